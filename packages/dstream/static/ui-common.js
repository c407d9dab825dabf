// Shared by the Streaming pages. Every text from the application (stream names, errors,
// descriptions) goes into the page through textContent, never as HTML.
'use strict';

const KUI = (() => {
  /** Builds an element: attrs (class, href, title, data-*), children (nodes or strings as text). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children) {
      if (c === undefined || c === null || c === false) continue;
      e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  /** As Spark's UIUtils.formatDuration: "850 ms", "1.2 s", "3.4 min", "1.5 h". */
  function formatDuration(ms) {
    if (ms === undefined || ms === null) return '-';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
    if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
    return `${(ms / 3_600_000).toFixed(1)} h`;
  }

  /** "1 hour 2 minutes 3 seconds", as Spark's summary line. */
  function formatDurationVerbose(ms) {
    if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
    const units = [['day', 86_400_000], ['hour', 3_600_000], ['minute', 60_000], ['second', 1000]];
    const parts = [];
    let rest = ms;
    for (const [name, size] of units) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      if (n > 0 || (parts.length > 0 && name === 'second')) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    }
    return parts.join(' ');
  }

  /** The batch interval as Spark words it: "1 second", "500 ms", "2 minutes". */
  function formatInterval(ms) {
    if (ms % 60_000 === 0) { const n = ms / 60_000; return `${n} minute${n === 1 ? '' : 's'}`; }
    if (ms % 1000 === 0) { const n = ms / 1000; return `${n} second${n === 1 ? '' : 's'}`; }
    return `${ms} ms`;
  }

  const pad = (n, w = 2) => String(n).padStart(w, '0');
  /** Local "yyyy/MM/dd HH:mm:ss" (with ".SSS" when the batch interval is under a second), as Spark. */
  function formatDate(ms, withMillis) {
    const d = new Date(ms);
    const s = `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    return withMillis ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
  }

  function formatNumber(n, digits = 2) {
    if (n === undefined || n === null) return '-';
    return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: digits });
  }

  async function getJson(url) {
    const res = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
    // The REST API answers errors in text, as Spark's (the bare message); the page's own data in JSON.
    if (!res.ok) {
      const text = await res.text();
      let message = text;
      try { message = JSON.parse(text).message ?? text; } catch { /* text */ }
      throw Object.assign(new Error(message || `HTTP ${res.status}`), { status: res.status });
    }
    return res.json();
  }

  /**
   * Polls `load` every `everyMs` (at most once per period, never overlapping, paused while the
   * tab is hidden): the update rate is bounded whatever the batch interval.
   */
  function poll(load, everyMs, live) {
    let timer;
    const tick = async () => {
      clearTimeout(timer);
      try {
        const keepGoing = await load();
        live.textContent = 'live';
        live.className = 'live ok';
        if (keepGoing === false) { live.textContent = 'final'; return; }
      } catch (e) {
        live.textContent = e && e.status === 404 ? 'gone' : 'disconnected';
        live.className = 'live stale';
      }
      timer = setTimeout(tick, everyMs);
    };
    document.addEventListener('visibilitychange', () => { if (!document.hidden) tick(); });
    tick();
  }

  /** A progress bar of succeeded (and failed, running) out of total. */
  function progress(succeeded, total, failed, running) {
    const pct = (n) => `${total === 0 ? 0 : (100 * n) / total}%`;
    const bar = el('div', { class: 'progress', title: `${succeeded} succeeded, ${failed} failed, ${running} running of ${total}` });
    const done = el('div', { class: 'done' }); done.style.width = pct(succeeded);
    const bad = el('div', { class: 'failedbar' }); bad.style.left = pct(succeeded); bad.style.width = pct(failed);
    const run = el('div', { class: 'running' }); run.style.left = pct(succeeded + failed); run.style.width = pct(running);
    bar.append(done, bad, run, el('span', { class: 'text' }, `${succeeded}/${total}${failed > 0 ? ` (${failed} failed)` : ''}`));
    return bar;
  }

  /** A failure: its first line, expandable to the whole stack. */
  function failure(reason, open) {
    const first = reason.split('\n')[0];
    return el('details', { open }, el('summary', { title: first }, first.length > 100 ? `${first.slice(0, 100)}…` : first), el('pre', { class: 'stack' }, reason));
  }

  /** The CSS custom properties the charts use (they follow light/dark). */
  function colors() {
    const s = getComputedStyle(document.documentElement);
    const v = (name) => s.getPropertyValue(name).trim();
    return { fg: v('--fg'), muted: v('--muted'), line: v('--line'), fill: v('--fill'), fail: v('--fail'), interval: v('--interval'), grid: v('--grid'), bg: v('--bg') };
  }

  return { el, formatDuration, formatDurationVerbose, formatInterval, formatDate, formatNumber, getJson, poll, progress, failure, colors };
})();
