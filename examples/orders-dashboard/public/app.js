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
  const parts = $('partitions');
  parts.hidden = !s.group;
  if (s.group) {
    const owned = s.group.logs.map((l) => `${l.log}: ${l.owned.length ? l.owned.join(', ') : 'none'} of ${l.partitions}`).join(' · ');
    // Under leases: every partition's owner (this instance, another member, or none while a lease is free).
    const owners = s.group.logs.filter((l) => l.owners).map((l) => `${l.log}: ${l.owners.map((o, p) => `${p} ${o === s.group.instanceId ? 'this' : o ?? 'none'}`).join(', ')}`).join(' · ');
    parts.textContent = `group ${s.group.name} · instance ${s.group.instanceId} owns ${owned}${owners ? ` · owners ${owners}` : ''}`;
  }
  const link = $('streaming-ui');
  link.hidden = !s.streamingUi;
  if (s.streamingUi) link.href = s.streamingUi;
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

// A step of 1, 2 or 5 times a power of ten that cuts `span` into about `parts` pieces.
function niceStep(span, parts) {
  const raw = Math.max(span / parts, 1e-9);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * p >= raw) return f * p;
  return 10 * p;
}

// Buys and sells run close to each other (about half each), so the axis hugs the data
// instead of starting at zero: the gap between the lines is what the eye should see.
function yDomain(values) {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.15;
  const step = niceStep(hi - lo + 2 * pad, 4);
  return { lo: Math.max(0, Math.floor((lo - pad) / step) * step), hi: Math.ceil((hi + pad) / step) * step, step };
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
  const padL = 56, padR = 64, padT = 12, padB = 28;
  const { lo, hi, step } = yDomain(bs.flatMap((b) => [b.buys, b.sells]));
  const x = (i) => padL + (bs.length === 1 ? (W - padL - padR) / 2 : (i * (W - padL - padR)) / (bs.length - 1));
  const y = (v) => padT + (1 - (v - lo) / (hi - lo)) * (H - padT - padB);
  const defs = svg('defs');
  for (const cls of ['buy', 'sell']) {
    const g = svg('linearGradient', { id: `fade-${cls}`, x1: 0, x2: 0, y1: 0, y2: 1 });
    g.append(svg('stop', { offset: '0%', class: `stop-${cls}`, 'stop-opacity': 0.28 }));
    g.append(svg('stop', { offset: '100%', class: `stop-${cls}`, 'stop-opacity': 0 }));
    defs.append(g);
  }
  chart.append(defs);
  for (let v = lo; v <= hi + step / 2; v += step) {
    chart.append(svg('line', { class: 'grid', x1: padL, x2: W - padR, y1: y(v), y2: y(v) }));
    chart.append(svg('text', { class: 'axis', x: padL - 8, y: y(v) + 4, 'text-anchor': 'end' }, nf.format(Math.round(v))));
  }
  const ticks = Math.min(bs.length, Math.max(2, Math.floor((W - padL - padR) / 120)));
  for (let k = 0; k < ticks; k++) {
    const i = ticks === 1 ? 0 : Math.round((k * (bs.length - 1)) / (ticks - 1));
    const anchor = bs.length === 1 ? 'middle' : k === 0 ? 'start' : k === ticks - 1 ? 'end' : 'middle';
    chart.append(svg('text', { class: 'axis', x: x(i), y: H - 8, 'text-anchor': anchor }, batchLabel(bs[i].time)));
  }
  for (const [key, cls] of [['sells', 'sell'], ['buys', 'buy']]) {
    const pts = bs.map((b, i) => `${x(i).toFixed(1)},${y(b[key]).toFixed(1)}`);
    if (bs.length > 1) {
      chart.append(svg('path', { fill: `url(#fade-${cls})`, d: `M${x(0)},${y(lo)} L${pts.join(' L')} L${x(bs.length - 1)},${y(lo)} Z` }));
    }
    chart.append(svg('path', { class: `line-${cls}`, d: `M${pts.join(' L')}` }));
    const last = bs[bs.length - 1];
    const dot = svg('circle', { class: `pt-${cls}`, cx: x(bs.length - 1), cy: y(last[key]), r: 4 });
    dot.append(svg('title', {}, `${cls === 'buy' ? 'Buys' : 'Sells'} at ${batchLabel(last.time)}: ${nf.format(last[key])}`));
    chart.append(dot);
    const other = key === 'buys' ? last.sells : last.buys;
    const dy = last[key] >= other ? -6 : 14;
    chart.append(svg('text', { class: `end-label ${cls}`, x: x(bs.length - 1) + 8, y: y(last[key]) + dy + 4 }, nf.format(last[key])));
  }
}

// Processing time per batch as small bars, the scheduling delay stacked on top in a lighter tone.
function renderTimings() {
  const box = $('timings');
  const bs = state.batches.slice(-60);
  const W = Math.max(200, box.clientWidth || 500);
  const H = 90;
  box.setAttribute('viewBox', `0 0 ${W} ${H}`);
  box.replaceChildren();
  if (!bs.length) return;
  const max = Math.max(1, ...bs.map((b) => (b.processingMs ?? 0) + (b.schedulingDelayMs ?? 0)));
  const bw = W / 60;
  bs.forEach((b, i) => {
    const p = b.processingMs ?? 0;
    const d = b.schedulingDelayMs ?? 0;
    const hp = (p / max) * (H - 14);
    const hd = (d / max) * (H - 14);
    const x0 = W - (bs.length - i) * bw + 1;
    const bar = svg('rect', { class: 'tbar', x: x0, y: H - hp, width: Math.max(1, bw - 2), height: hp, rx: 1.5 });
    bar.append(svg('title', {}, `${batchLabel(b.time)}: processing ${ms(p)}, scheduling delay ${ms(d)}`));
    box.append(bar);
    if (hd > 0.5) box.append(svg('rect', { class: 'tdelay', x: x0, y: H - hp - hd, width: Math.max(1, bw - 2), height: hd, rx: 1.5 }));
  });
  box.append(svg('text', { class: 'axis', x: 2, y: 10 }, `max ${ms(max)}`));
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
  const rows = state.batches.slice(-7).reverse();
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
  renderTimings();
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
    renderTimings();
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

window.addEventListener('resize', () => { renderChart(); renderTimings(); });
connect();
