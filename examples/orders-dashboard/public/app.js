// The dashboard page: renders the snapshot sent on connect, then every `batch` and `status`
// event pushed by the server (Server-Sent Events). No framework, no CDN.

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const nf = new Intl.NumberFormat('en-US');
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

const state = { batches: [], status: undefined, meta: undefined };

// Batch times from a manual clock (a replay) count from 0; real ones are epoch milliseconds.
function batchLabel(ms) {
  if (ms < 1e11) return `t+${nf.format(ms / 1000)} s`;
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

function ms(v) {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  return v >= 10000 ? `${(v / 1000).toFixed(1)} s` : `${nf.format(Math.round(v))} ms`;
}

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderStatus() {
  const s = state.status;
  const m = state.meta;
  if (m) $('mode').textContent = `${m.replay ? 'replay on a manual clock' : 'live'} · ${m.batchMs / 1000} s batches · ${m.stateMode}`;
  if (!s) return;
  const pill = $('status-pill');
  const phase = s.phase;
  pill.textContent = phase === 'feeding' ? 'live' : phase === 'fed' ? 'live · all fed' : phase;
  pill.className = `pill ${phase === 'finished' ? 'done' : phase === 'starting' ? '' : 'live'}`;
  const ratio = s.filesTotal ? s.filesMoved / s.filesTotal : 0;
  $('feed-bar').style.width = `${(ratio * 100).toFixed(1)}%`;
  $('feed-text').textContent = `${s.filesMoved}/${s.filesTotal} files · ${compact.format(s.linesMoved)} orders fed`;
}

function renderKpis() {
  const bs = state.batches;
  let buys = 0;
  let sells = 0;
  for (const b of bs) { buys += b.buys; sells += b.sells; }
  const last = bs[bs.length - 1];
  $('kpi-batches').textContent = nf.format(bs.length);
  $('kpi-batch-ms').textContent = last ? `last ${batchLabel(last.time)}` : '';
  $('kpi-orders').textContent = nf.format(buys + sells);
  $('kpi-last-orders').textContent = last ? `${nf.format(last.buys + last.sells)} in the last batch` : '';
  $('kpi-buys').textContent = nf.format(buys);
  $('kpi-sells').textContent = nf.format(sells);
  $('kpi-ratio').style.width = buys + sells ? `${((buys / (buys + sells)) * 100).toFixed(2)}%` : '50%';
  $('kpi-proc').textContent = last ? ms(last.processingMs) : '–';
  $('kpi-delay').textContent = last ? `scheduling delay ${ms(last.schedulingDelayMs)}` : '';
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const f of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (f * p >= v) return f * p;
  return 10 * p;
}

function renderChart() {
  const chart = $('chart');
  const bs = state.batches.slice(-120);
  $('chart-empty').style.display = bs.length ? 'none' : '';
  const W = Math.max(320, chart.clientWidth || 900);
  const H = 260;
  chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
  chart.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  chart.replaceChildren();
  if (!bs.length) return;
  const padL = 56, padR = 16, padT = 12, padB = 28;
  const maxV = niceMax(Math.max(...bs.map((b) => Math.max(b.buys, b.sells))) * 1.08);
  const minV = 0;
  const x = (i) => padL + (bs.length === 1 ? (W - padL - padR) / 2 : (i * (W - padL - padR)) / (bs.length - 1));
  const y = (v) => padT + (1 - (v - minV) / (maxV - minV)) * (H - padT - padB);
  for (let k = 0; k <= 4; k++) {
    const v = minV + ((maxV - minV) * k) / 4;
    chart.append(svg('line', { class: 'grid', x1: padL, x2: W - padR, y1: y(v), y2: y(v) }));
    chart.append(svg('text', { class: 'axis', x: padL - 8, y: y(v) + 4, 'text-anchor': 'end' }, compact.format(v)));
  }
  const ticks = Math.min(bs.length, Math.max(2, Math.floor((W - padL - padR) / 110)));
  for (let k = 0; k < ticks; k++) {
    const i = ticks === 1 ? 0 : Math.round((k * (bs.length - 1)) / (ticks - 1));
    chart.append(svg('text', { class: 'axis', x: x(i), y: H - 8, 'text-anchor': k === 0 && bs.length > 1 ? 'start' : k === ticks - 1 && bs.length > 1 ? 'end' : 'middle' }, batchLabel(bs[i].time)));
  }
  for (const [key, cls] of [['sells', 'sell'], ['buys', 'buy']]) {
    const pts = bs.map((b, i) => `${x(i).toFixed(1)},${y(b[key]).toFixed(1)}`);
    if (bs.length > 1) {
      chart.append(svg('path', { class: `area-${cls}`, d: `M${x(0)},${y(minV)} L${pts.join(' L')} L${x(bs.length - 1)},${y(minV)} Z` }));
    }
    chart.append(svg('path', { class: `line-${cls}`, d: `M${pts.join(' L')}` }));
    const last = bs[bs.length - 1];
    chart.append(svg('circle', { class: `pt-${cls}`, cx: x(bs.length - 1), cy: y(last[key]), r: 3.5 }));
    const title = svg('title', {}, `${cls === 'buy' ? 'Buys' : 'Sells'} at ${batchLabel(last.time)}: ${nf.format(last[key])}`);
    chart.lastChild.append(title);
  }
}

function renderRanking(sectionId, entries, time, format) {
  const section = $(sectionId);
  const body = section.querySelector('tbody');
  body.replaceChildren();
  const max = Math.max(1, ...entries.map((e) => (Number.isFinite(e.value) ? e.value : 0)));
  for (const e of entries) {
    const tr = el('tr');
    tr.append(el('td', { class: 'rank-no' }, String(e.rank)));
    tr.append(el('td', { class: 'name' }, e.name));
    tr.append(el('td', { class: 'value' }, Number.isFinite(e.value) ? format(e.value) : '–'));
    const barTd = el('td');
    const bar = el('div', { class: 'meter' });
    bar.style.width = `${Math.max(2, (100 * (Number.isFinite(e.value) ? e.value : 0)) / max).toFixed(1)}%`;
    barTd.append(bar);
    tr.append(barTd);
    body.append(tr);
  }
  section.dataset.batch = String(time);
}

function renderStats() {
  const body = $('stats-body');
  body.replaceChildren();
  const rows = state.batches.slice(-8).reverse();
  rows.forEach((b, i) => {
    const tr = el('tr', i === 0 ? { class: 'fresh' } : {});
    tr.append(el('td', {}, batchLabel(b.time)));
    tr.append(el('td', { class: 'num' }, b.records === undefined || b.records === null ? '–' : nf.format(b.records)));
    tr.append(el('td', { class: 'num' }, nf.format(b.buys + b.sells)));
    tr.append(el('td', { class: 'num' }, ms(b.processingMs)));
    tr.append(el('td', { class: 'num' }, ms(b.schedulingDelayMs)));
    body.append(tr);
  });
}

function renderLast() {
  const last = state.batches[state.batches.length - 1];
  if (!last) return;
  renderRanking('top-clients', last.topClients, last.time, (v) => money.format(v));
  renderRanking('top-stocks', last.topStocks, last.time, (v) => nf.format(v));
  $('out-lines').textContent = last.lines.join('\n');
  $('out-name').textContent = `output-${last.time}.txt/part-00000`;
}

function renderAll() {
  renderStatus();
  renderKpis();
  renderChart();
  renderStats();
  renderLast();
}

function connect() {
  const events = new EventSource('/events');
  events.addEventListener('snapshot', (e) => {
    const snap = JSON.parse(e.data);
    state.meta = snap;
    state.status = snap.status;
    state.batches = snap.batches;
    renderAll();
  });
  events.addEventListener('batch', (e) => {
    state.batches.push(JSON.parse(e.data));
    if (state.batches.length > 720) state.batches.shift();
    renderKpis();
    renderChart();
    renderStats();
    renderLast();
  });
  events.addEventListener('status', (e) => {
    state.status = JSON.parse(e.data);
    renderStatus();
    if (state.status.phase === 'finished') events.close();
  });
  events.addEventListener('error', () => {
    if (state.status?.phase === 'finished') return;
    const pill = $('status-pill');
    pill.textContent = 'reconnecting';
    pill.className = 'pill';
  });
}

window.addEventListener('resize', () => renderChart());
connect();
