// The Streaming page ("Streaming Statistics"), element by element as Spark's StreamingPage:
// summary line, timelines and histograms (uPlot), per-input details, running / waiting /
// completed batch tables, plus a drawing of the DStream graph. Polls /streaming/data.
'use strict';

(() => {
  const { el, formatDuration, formatDurationVerbose, formatInterval, formatDate, formatNumber, getJson, poll, progress, failure, colors } = KUI;
  const POLL_MS = 1000;
  const SHOW_DETAILS_KEY = 'show-streams-detail';

  let data;
  const charts = new Map(); // key -> { timeline, histogram, key }
  let chartShape = '';
  const tables = {
    running: { sortKey: 'id', desc: true, page: 0, pageSize: 25 },
    waiting: { sortKey: 'id', desc: true, page: 0, pageSize: 25 },
    completed: { sortKey: 'id', desc: true, page: 0, pageSize: 25 },
  };
  let highlight = { id: undefined, until: 0 };
  // A timeline and its histogram share one plot band, so the histogram's value axis lines up
  // with the timeline's y-axis (as Spark draws them): the same height, the timeline's padding
  // above its plot equal to the histogram's count axis there, and the histogram's padding below
  // equal to the timeline's time axis.
  const CHART_HEIGHT = 150;
  const TOP_BAND = 34;
  const BOTTOM_BAND = 30;
  /** The largest bin count over every histogram (Spark's maxXForHistogram: one count scale). */
  let histogramCountMax = 1;
  const tip = el('div', { class: 'chart-tip', hidden: true });
  document.body.append(tip);

  // ---------------------------------------------------------------- summary

  function renderSummary() {
    const s = data.statistics;
    document.getElementById('app-name').textContent = `${data.appName} (${data.appId})`;
    document.title = `${data.appName} - Streaming Statistics`;
    const p = document.getElementById('summary');
    p.replaceChildren();
    if (data.state === 'STOPPED') p.append(el('strong', {}, 'Stopped. '));
    if (s.startTime === undefined || data.statistics.startTime.startsWith('1969')) { p.append('Not started yet.'); return; }
    const start = Date.parse(s.startTime.replace('GMT', 'Z'));
    p.append('Running batches of ', el('strong', {}, formatInterval(s.batchDuration)), ' for ',
      el('strong', {}, formatDurationVerbose(data.now - start)), ' since ', el('strong', {}, formatDate(start)),
      ' (', el('strong', { id: 'completed-count' }, formatNumber(s.numTotalCompletedBatches)), ' completed batches, ',
      el('strong', {}, formatNumber(s.numProcessedRecords)), ' records)');
  }

  // ---------------------------------------------------------------- charts

  function seriesOf(batches, pick) { return batches.map((b) => { const v = pick(b); return v === undefined ? null : v; }); }

  function histogram(values, max, bins = 10) {
    const width = max > 0 ? max / bins : 1;
    const xs = []; const counts = [];
    for (let i = 0; i < bins; i++) { xs.push(width * (i + 0.5)); counts.push(0); }
    let n = 0;
    for (const v of values) {
      if (v === null) continue;
      n++;
      counts[Math.min(bins - 1, Math.floor(v / width))]++;
    }
    return { xs, counts, width, n };
  }

  function showTip(text, left, top) {
    tip.textContent = text;
    tip.hidden = false;
    tip.style.left = `${left + 12}px`;
    tip.style.top = `${top - 28}px`;
  }

  function makeTimeline(container, spec, c) {
    const width = Math.max(280, container.clientWidth - 8);
    const series = [
      {},
      { stroke: c.line, fill: c.fill, width: 1.5, points: { show: false }, spanGaps: false },
      { stroke: c.fail, paths: () => null, points: { show: true, size: 7, fill: c.fail, stroke: c.fail } },
    ];
    if (spec.interval) series.push({ stroke: c.interval, dash: [6, 4], width: 1.5, points: { show: false } });
    const u = new uPlot({
      width, height: CHART_HEIGHT,
      padding: [TOP_BAND, 28, 0, 0],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 8 } },
      scales: { x: { time: true }, y: { range: () => valueRange(spec) } },
      axes: [
        { stroke: c.muted, grid: { stroke: c.grid }, ticks: { stroke: c.grid }, space: 90, size: BOTTOM_BAND,
          values: (_u, ticks) => ticks.map((t) => formatDate(t * 1000, data.statistics.batchDuration < 1000).slice(11)) },
        { stroke: c.muted, grid: { stroke: c.grid }, ticks: { stroke: c.grid }, size: 78, values: (_u, ticks) => ticks.map(spec.axis ?? spec.format) },
      ],
      series,
      hooks: {
        // The range drawn, for checks (uPlot applies scales after setData returns).
        setScale: [(u, key) => { if (key === 'y') container.setAttribute('data-y-range', `${u.scales.y.min},${u.scales.y.max}`); }],
        setCursor: [(u) => {
          const i = u.cursor.idx;
          const v = i === null || i === undefined ? null : u.data[1][i];
          if (v === null || v === undefined) { tip.hidden = true; return; }
          const rect = u.over.getBoundingClientRect();
          showTip(`${spec.format(v)} at ${formatDate(u.data[0][i] * 1000, true)}`, rect.left + u.cursor.left, rect.top + u.cursor.top);
        }],
      },
    }, [[], [], []].concat(spec.interval ? [[]] : []), container);
    u.over.addEventListener('mouseleave', () => { tip.hidden = true; });
    // uPlot's own mouse handling swallows 'click' on its overlay: a press and release in place is one.
    let down;
    u.over.addEventListener('mousedown', (e) => { down = [e.clientX, e.clientY]; });
    u.over.addEventListener('mouseup', (e) => {
      if (!down || Math.abs(e.clientX - down[0]) > 4 || Math.abs(e.clientY - down[1]) > 4) return;
      down = undefined;
      const i = u.posToIdx(e.offsetX);
      if (i !== null && i !== undefined && i >= 0 && u.ids && i < u.ids.length) selectBatch(u.ids[i]);
    });
    return u;
  }

  /** The value range of a metric row: its timeline's y-axis and its histogram's value axis. */
  function valueRange(spec) { return [0, spec.yMax() || 1]; }

  /**
   * The histogram beside a timeline, rotated as Spark's: the value axis is vertical (uPlot's
   * x scale with vertical orientation, over the timeline's y range, tick labels left to the
   * timeline), bars are horizontal and the count of batches runs along the top ("#batches").
   */
  function makeHistogram(container, spec, c) {
    const width = Math.max(160, container.clientWidth - 8);
    return new uPlot({
      width, height: CHART_HEIGHT,
      padding: [0, 16, BOTTOM_BAND, 0],
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false, ori: 1, dir: 1, range: () => valueRange(spec) },
        y: { ori: 0, dir: 1, range: () => [0, histogramCountMax] },
      },
      axes: [
        // The value axis: grid lines at the timeline's ticks, no labels (the timeline has them).
        { side: 3, stroke: c.muted, grid: { stroke: c.grid }, ticks: { show: false }, size: 4, values: (_u, ticks) => ticks.map(() => '') },
        // The count axis on top: short ticks and a small gap keep its values under the label.
        { side: 0, stroke: c.muted, grid: { stroke: c.grid }, ticks: { stroke: c.grid, size: 3 }, gap: 2, size: TOP_BAND - 14, space: 30, font: '11px system-ui',
          label: '#batches', labelSize: 14, labelFont: '11px system-ui', labelGap: 0,
          values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) },
      ],
      series: [{}, { stroke: c.line, fill: c.fill, width: 1, paths: uPlot.paths.bars({ size: [0.92, Infinity], align: 0 }), points: { show: false } }],
      hooks: {
        setScale: [(u, key) => {
          if (key !== 'x') return;
          const v = u.scales.x;
          container.setAttribute('data-value-range', `${v.min},${v.max}`);
          container.setAttribute('data-value-axis', v.ori === 1 ? 'vertical' : 'horizontal');
        }],
        draw: [(u) => {
          const stable = spec.interval;
          if (!stable) return;
          // A horizontal dashed line at the batch interval, labelled "stable" below it.
          const y = u.valToPos(stable, 'x', true);
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = c.interval; ctx.setLineDash([6, 4]); ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke();
          ctx.fillStyle = c.interval; ctx.font = `${11 * devicePixelRatio}px system-ui`;
          ctx.textAlign = 'right';
          ctx.fillText('stable', u.bbox.left + u.bbox.width - 2 * devicePixelRatio, y + 13 * devicePixelRatio);
          ctx.restore();
        }],
        setCursor: [(u) => {
          const i = u.cursor.idx;
          if (i === null || i === undefined || !u.hist) { tip.hidden = true; return; }
          const h = u.hist;
          const n = u.data[1][i];
          const rect = u.over.getBoundingClientRect();
          const pct = h.n === 0 ? 0 : (100 * n) / h.n;
          showTip(`${n} batches (${pct.toFixed(2)}%) between ${spec.format(h.width * i)} and ${spec.format(h.width * (i + 1))}`, rect.left + u.cursor.left, rect.top + u.cursor.top);
        }],
      },
    }, [[], []], container);
  }

  /** The rows of the statistics table: input rate (and per stream), then the three delays. */
  function chartSpecs() {
    const bd = data.statistics.batchDuration;
    const rate = (v) => `${formatNumber(v)} records/sec`;
    const rateAxis = (v) => (v >= 10_000 ? `${formatNumber(Math.round(v / 1000))}k/s` : `${formatNumber(v)}/s`);
    const dur = (v) => formatDuration(v);
    const delayMax = () => {
      let m = 0;
      for (const b of data.batches) m = Math.max(m, b.schedulingDelay ?? 0, b.processingTime ?? 0, b.totalDelay ?? 0);
      return Math.max(m, bd) * 1.05;
    };
    const streamMax = () => {
      let m = 0;
      for (const b of data.batches) for (const n of Object.values(b.perStream)) m = Math.max(m, (n * 1000) / bd);
      return m * 1.05;
    };
    const inputMax = () => { let m = 0; for (const b of data.batches) m = Math.max(m, (b.records * 1000) / bd); return m * 1.05; };
    const specs = [{ key: 'input', format: rate, axis: rateAxis, yMax: inputMax, pick: (b) => (b.records * 1000) / bd }];
    for (const s of data.streams) specs.push({ key: `stream-${s.id}`, stream: s, format: rate, axis: rateAxis, yMax: streamMax, pick: (b) => ((b.perStream[s.id] ?? 0) * 1000) / bd });
    specs.push({ key: 'scheduling', format: dur, yMax: delayMax, pick: (b) => b.schedulingDelay });
    specs.push({ key: 'processing', format: dur, yMax: delayMax, pick: (b) => b.processingTime, interval: bd });
    specs.push({ key: 'total', format: dur, yMax: delayMax, pick: (b) => b.totalDelay });
    return specs;
  }

  function avgOf(values) { let s = 0; let n = 0; for (const v of values) if (v !== null && v !== undefined) { s += v; n++; } return n === 0 ? undefined : s / n; }

  function labelCell(spec) {
    const td = el('td', { class: 'label-cell' });
    const values = data.batches.map(spec.pick);
    const avg = avgOf(values);
    const avgText = avg === undefined ? 'Avg: -' : `Avg: ${spec.format(spec.key.startsWith('stream') || spec.key === 'input' ? avg : Math.round(avg))}`;
    if (spec.key === 'input') {
      const toggle = el('button', { class: 'toggle', id: 'toggle-streams', title: 'Show/hide details of each receiver', onclick: () => {
        const show = localStorage.getItem(SHOW_DETAILS_KEY) !== 'true';
        localStorage.setItem(SHOW_DETAILS_KEY, String(show));
        applyDetailsVisibility();
      } });
      toggle.textContent = data.streams.length > 0 ? '▸ Input Rate' : 'Input Rate';
      td.append(el('div', { class: 'name' }, data.streams.length > 0 ? toggle : 'Input Rate'));
      const receivers = data.streams.filter((s) => s.isReceiver);
      if (receivers.length > 0) td.append(el('div', { class: 'sub' }, `Receivers: ${data.statistics.numActiveReceivers} / ${data.statistics.numReceivers} active`));
      td.append(el('div', { class: 'avg' }, avgText));
    } else if (spec.stream) {
      const s = spec.stream;
      td.append(el('div', { class: 'name', title: `input stream ${s.id}` }, s.name), el('div', { class: 'avg' }, avgText));
      const info = el('table', { class: 'stream-table' },
        el('tr', {}, el('th', {}, 'Status'), el('td', {}, s.isReceiver ? el('span', { class: s.active ? 'status-active' : 'status-inactive' }, s.active ? 'ACTIVE' : 'INACTIVE') : '-')),
        el('tr', {}, el('th', {}, 'Executor ID / Host'), el('td', {}, s.location ?? '-')),
        el('tr', {}, el('th', {}, 'Last Error Time'), el('td', {}, s.lastErrorTime === undefined ? '-' : formatDate(s.lastErrorTime))),
        el('tr', {}, el('th', {}, 'Last Error Message'), el('td', { title: s.lastErrorMessage ?? '' }, s.lastErrorMessage === undefined ? '-' : s.lastErrorMessage.slice(0, 100))));
      td.append(info);
    } else {
      const titles = {
        scheduling: ['Scheduling Delay', 'Time taken by Streaming scheduler to submit jobs of a batch'],
        processing: ['Processing Time', 'Time taken to process all jobs of a batch'],
        total: ['Total Delay', 'Total time taken to handle a batch'],
      };
      const [name, tipText] = titles[spec.key];
      td.append(el('div', { class: 'name', title: tipText }, name), el('div', { class: 'avg' }, avgText));
      if (spec.interval) td.append(el('div', { class: 'sub', title: `Processing Time <= Batch Interval (${formatDuration(spec.interval)})` }, 'stable: ≤ batch interval'));
    }
    return td;
  }

  function applyDetailsVisibility() {
    const show = localStorage.getItem(SHOW_DETAILS_KEY) === 'true';
    for (const tr of document.querySelectorAll('tr.details')) tr.hidden = !show;
    const t = document.getElementById('toggle-streams');
    if (t) t.textContent = `${show ? '▾' : '▸'} Input Rate`;
  }

  function buildCharts() {
    for (const c of charts.values()) { c.timeline.destroy(); c.histogram.destroy(); }
    charts.clear();
    const body = document.getElementById('stat-body');
    body.replaceChildren();
    const c = colors();
    for (const spec of chartSpecs()) {
      const tl = el('td', { class: 'chart timeline', id: `timeline-${spec.key}` });
      const hi = el('td', { class: 'chart histogram', id: `histogram-${spec.key}` });
      const tr = el('tr', { class: spec.stream ? 'details' : 'main', 'data-chart': spec.key }, labelCell(spec), tl, hi);
      body.append(tr);
      charts.set(spec.key, { spec, tr, tl, hi });
    }
    applyDetailsVisibility();
    for (const entry of charts.values()) {
      const { spec } = entry;
      const wasHidden = entry.tr.hidden;
      entry.tr.hidden = false; // measure widths while visible
      entry.timeline = makeTimeline(entry.tl, spec, c);
      entry.histogram = makeHistogram(entry.hi, spec, c);
      entry.tr.hidden = wasHidden;
    }
  }

  function updateCharts() {
    const shape = `${data.streams.map((s) => s.id).join(',')}|${matchMedia('(prefers-color-scheme: dark)').matches}|${window.innerWidth}`;
    if (shape !== chartShape) { chartShape = shape; buildCharts(); }
    const batches = data.batches;
    const xs = batches.map((b) => b.id / 1000);
    const ids = batches.map((b) => b.id);
    const s = data.statistics;
    document.getElementById('timelines-head').textContent =
      `Timelines (Last ${batches.length} batches, ${s.numActiveBatches} active, ${s.numRetainedCompletedBatches} completed)`;
    const hists = new Map();
    histogramCountMax = 1;
    for (const entry of charts.values()) {
      const { spec } = entry;
      const ys = seriesOf(batches, spec.pick);
      const hist = histogram(ys, valueRange(spec)[1]);
      hists.set(entry, { ys, hist });
      for (const n of hist.counts) histogramCountMax = Math.max(histogramCountMax, n);
    }
    for (const entry of charts.values()) {
      const { spec } = entry;
      const { ys, hist } = hists.get(entry);
      const failed = batches.map((b, i) => (b.opsFailed > 0 ? (ys[i] ?? 0) : null));
      const series = [xs, ys, failed];
      if (spec.interval) series.push(batches.map(() => spec.interval));
      entry.timeline.ids = ids;
      entry.timeline.setData(series);
      entry.tl.setAttribute('data-points', String(xs.length));
      entry.tl.setAttribute('data-failed', String(failed.filter((v) => v !== null).length));
      entry.histogram.hist = hist;
      entry.histogram.setData([hist.xs, hist.counts]);
      entry.hi.setAttribute('data-batches', String(hist.n));
      const label = entry.tr.querySelector('td.label-cell');
      label.replaceWith(labelCell(spec));
    }
    applyDetailsVisibility();
  }

  // ---------------------------------------------------------------- batch tables

  const COLUMNS = {
    time: { title: 'Batch Time', key: 'id' },
    records: { title: 'Records', key: 'records' },
    scheduling: { title: 'Scheduling Delay', key: 'schedulingDelay', tip: 'Time taken by Streaming scheduler to submit jobs of a batch' },
    processing: { title: 'Processing Time', key: 'processingTime', tip: 'Time taken to process all jobs of a batch' },
    total: { title: 'Total Delay', key: 'totalDelay', tip: 'Total time taken to handle a batch' },
    ops: { title: 'Output Ops: Succeeded/Total' },
    status: { title: 'Status' },
    error: { title: 'Error' },
  };

  function renderTable(which, batches, columns) {
    const state = tables[which];
    const section = document.getElementById(`${which}-section`);
    const holder = document.getElementById(`${which}-table`);
    section.hidden = batches.length === 0;
    const s = data.statistics;
    const title = which === 'completed'
      ? `Completed Batches (last ${batches.length} out of ${s.numTotalCompletedBatches})`
      : `${which === 'running' ? 'Running' : 'Waiting'} Batches (${batches.length})`;
    document.getElementById(`${which}-title`).textContent = title;
    if (batches.length === 0) { holder.replaceChildren(); return; }
    const cols = columns.slice();
    if (batches.some((b) => b.failure !== undefined)) cols.push('error');
    const key = state.sortKey;
    const sorted = batches.slice().sort((a, b) => {
      const x = a[key] ?? -1; const y = b[key] ?? -1;
      return (x - y || a.id - b.id) * (state.desc ? -1 : 1);
    });
    const pages = Math.max(1, Math.ceil(sorted.length / state.pageSize));
    state.page = Math.min(state.page, pages - 1);
    const rows = sorted.slice(state.page * state.pageSize, (state.page + 1) * state.pageSize);
    const head = el('tr', {}, ...cols.map((c) => {
      const col = COLUMNS[c];
      if (!col.key) return el('th', {}, col.title);
      const arrow = state.sortKey === col.key ? (state.desc ? ' ▾' : ' ▴') : '';
      return el('th', { class: 'sortable', title: col.tip, 'data-sort': col.key, onclick: () => {
        if (state.sortKey === col.key) state.desc = !state.desc; else { state.sortKey = col.key; state.desc = true; }
        renderTables();
      } }, col.title, el('span', { class: 'arrow' }, arrow));
    }));
    const withMillis = s.batchDuration < 1000;
    const lit = highlight.until > Date.now() ? highlight.id : undefined;
    const body = el('tbody', {}, ...rows.map((b) => el('tr', { 'data-batch-id': b.id, class: [b.failure !== undefined ? 'failed' : '', b.id === lit ? 'highlight' : ''].join(' ').trim() || undefined }, ...cols.map((c) => {
      switch (c) {
        case 'time': return el('td', { class: 'nowrap' }, el('a', { href: `/streaming/batch/?id=${b.id}`, title: `batch id ${b.id}` }, formatDate(b.id, withMillis)));
        case 'records': return el('td', { class: 'nowrap', 'data-value': b.records }, `${formatNumber(b.records)} records`);
        case 'scheduling': return el('td', { 'data-value': b.schedulingDelay ?? '' }, formatDuration(b.schedulingDelay));
        case 'processing': return el('td', { 'data-value': b.processingTime ?? '' }, formatDuration(b.processingTime));
        case 'total': return el('td', { 'data-value': b.totalDelay ?? '' }, formatDuration(b.totalDelay));
        case 'ops': return el('td', { 'data-value': `${b.opsCompleted}/${b.opsTotal}` }, progress(b.opsCompleted, b.opsTotal, b.opsFailed, b.status === 'PROCESSING' ? Math.min(1, b.opsActive) : 0));
        case 'status': return el('td', {}, b.status === 'PROCESSING' ? 'processing' : 'queued');
        case 'error': return el('td', { class: 'error-cell' }, b.failure === undefined ? '-' : failure(b.failure));
        default: return el('td', {});
      }
    }))));
    const pager = el('div', { class: 'pager' },
      el('button', { disabled: state.page === 0, onclick: () => { state.page--; renderTables(); } }, '‹ Prev'),
      `Page ${state.page + 1} of ${pages}`,
      el('button', { disabled: state.page >= pages - 1, onclick: () => { state.page++; renderTables(); } }, 'Next ›'),
      el('label', {}, 'Show ', (() => {
        const sel = el('select', { onchange: (e) => { state.pageSize = Number(e.target.value); state.page = 0; renderTables(); } },
          ...[25, 50, 100, 500].map((n) => el('option', { value: n, selected: n === state.pageSize }, String(n))));
        return sel;
      })(), ' items per page'));
    holder.replaceChildren(pager, el('table', { class: 'table', id: `${which}-batches` }, el('thead', {}, head), body));
  }

  function renderTables() {
    const byStatus = (st) => data.batches.filter((b) => b.status === st);
    renderTable('running', byStatus('PROCESSING'), ['time', 'records', 'scheduling', 'processing', 'ops', 'status']);
    renderTable('waiting', byStatus('QUEUED'), ['time', 'records', 'scheduling', 'processing', 'ops', 'status']);
    renderTable('completed', byStatus('COMPLETED'), ['time', 'records', 'scheduling', 'processing', 'total', 'ops']);
  }

  /** A click on a timeline point: show that batch's row, highlighted for 3 s. */
  function selectBatch(id) {
    const batch = data.batches.find((b) => b.id === id);
    if (!batch) return;
    const which = batch.status === 'COMPLETED' ? 'completed' : batch.status === 'PROCESSING' ? 'running' : 'waiting';
    const state = tables[which];
    const list = data.batches.filter((b) => b.status === batch.status);
    const key = state.sortKey;
    list.sort((a, b) => ((a[key] ?? -1) - (b[key] ?? -1) || a.id - b.id) * (state.desc ? -1 : 1));
    state.page = Math.floor(list.findIndex((b) => b.id === id) / state.pageSize);
    highlight = { id, until: Date.now() + 3000 };
    renderTables();
    const row = document.querySelector(`#${which}-batches tr[data-batch-id="${id}"]`);
    if (row) row.scrollIntoView({ block: 'center' });
    // Re-rendering after the 3 s drops the highlight, even when polling has stopped.
    setTimeout(() => { if (highlight.id === id) renderTables(); }, 3100);
  }

  // ---------------------------------------------------------------- DStream graph

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  let graphDrawn = '';
  function renderGraph() {
    const nodes = data.graph;
    const key = nodes.map((n) => n.name).join('|');
    if (key === graphDrawn) return;
    graphDrawn = key;
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const depth = new Map();
    const depthOf = (n, seen = new Set()) => {
      if (depth.has(n.name)) return depth.get(n.name);
      if (seen.has(n.name)) return 0;
      seen.add(n.name);
      const d = n.parents.length === 0 ? 0 : 1 + Math.max(...n.parents.map((p) => depthOf(byName.get(p), seen)));
      depth.set(n.name, d);
      return d;
    };
    for (const n of nodes) depthOf(n);
    const columns = [];
    for (const n of nodes) { const d = depth.get(n.name); (columns[d] ||= []).push(n); }
    const W = 176; const H = 44; const GX = 36; const GY = 14;
    const pos = new Map();
    columns.forEach((col, d) => col.forEach((n, i) => pos.set(n.name, { x: 10 + d * (W + GX), y: 10 + i * (H + GY) })));
    const width = 20 + columns.length * (W + GX) - GX;
    const height = 20 + Math.max(1, ...columns.map((c) => c.length)) * (H + GY) - GY;
    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'DStream graph' });
    for (const n of nodes) {
      const to = pos.get(n.name);
      for (const p of n.parents) {
        const from = pos.get(p);
        if (!from) continue;
        const x1 = from.x + W; const y1 = from.y + H / 2; const x2 = to.x; const y2 = to.y + H / 2;
        root.append(svg('path', { class: `edge${n.shuffle ? ' shuffle' : ''}`, d: `M${x1},${y1} C${x1 + GX / 2},${y1} ${x2 - GX / 2},${y2} ${x2},${y2}` }));
      }
    }
    for (const n of nodes) {
      const { x, y } = pos.get(n.name);
      const classes = ['node', n.input ? 'input' : '', n.output ? 'output' : '', n.state ? 'state' : ''].filter(Boolean).join(' ');
      const g = svg('g', { class: classes, transform: `translate(${x},${y})`, 'data-name': n.name });
      g.append(svg('title', {}, `${n.name} (${n.kind}, ${n.site}), slide ${formatDuration(n.slideMs)}`));
      g.append(svg('rect', { width: W, height: H, rx: 5 }));
      const name = n.name.length > 25 ? `${n.name.slice(0, 24)}…` : n.name;
      g.append(svg('text', { x: 8, y: 17 }, name));
      const marks = [n.output ? `output: ${n.output}` : n.input ? 'input' : n.kind.replace(/DStream$/, ''), n.window ? '[window]' : '', n.state ? '[state]' : '', n.shuffle ? '[shuffle]' : ''].filter(Boolean).join('  ');
      g.append(svg('text', { x: 8, y: 34, class: 'mark' }, marks));
      root.append(g);
    }
    document.getElementById('graph').replaceChildren(root);
  }

  // ---------------------------------------------------------------- last checkpoint

  function renderCheckpoint() {
    const cp = data.checkpoint;
    document.getElementById('checkpoint-section').hidden = cp === undefined;
    if (cp === undefined) return;
    const fact = (name, value) => el('li', {}, el('strong', {}, `${name}: `), value);
    const list = [fact('Directory', cp.dir)];
    if (cp.batchTime === undefined) list.push(el('li', { class: 'empty' }, 'No checkpoint written yet.'));
    else {
      list.push(fact('Batch', formatDate(cp.batchTime, data.statistics.batchDuration < 1000)),
        fact('Written at', formatDate(cp.writtenAt, true)),
        fact('Size', cp.bytes === undefined ? '-' : `${formatNumber(cp.bytes)} bytes`),
        fact('Write duration', formatDuration(cp.durationMs)));
    }
    document.getElementById('checkpoint').replaceChildren(...list);
  }

  // ---------------------------------------------------------------- loop

  async function load() {
    data = await getJson('/streaming/data');
    renderSummary();
    updateCharts();
    renderTables();
    renderGraph();
    renderCheckpoint();
    document.body.setAttribute('data-loaded', String(data.statistics.numTotalCompletedBatches));
    return true;
  }

  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => { if (data) { chartShape = ''; updateCharts(); } });
  let resizeTimer;
  window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(() => { if (data) updateCharts(); }, 200); });
  poll(load, POLL_MS, document.getElementById('live'));
})();
