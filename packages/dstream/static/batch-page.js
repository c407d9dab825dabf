// The batch page ("Details of batch at ..."), as Spark's BatchPage: the batch's figures, its
// input metadata, and each output operation with its jobs and failure. Reads the REST API.
'use strict';

(() => {
  const { el, formatDuration, formatDate, formatNumber, getJson, poll, failure, progress } = KUI;
  const id = new URLSearchParams(location.search).get('id') ?? '';

  function metadataList(metadata) {
    const items = [];
    for (const [k, v] of Object.entries(metadata || {})) {
      if (Array.isArray(v)) {
        if (v.length === 0) continue;
        items.push(el('li', {}, `${k}:`, el('ul', {}, ...v.map((x) => el('li', {}, typeof x === 'string' ? x : JSON.stringify(x))))));
      } else {
        items.push(el('li', {}, `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`));
      }
    }
    return items.length === 0 ? '-' : el('ul', { class: 'metadata' }, ...items);
  }

  async function load() {
    const apps = await getJson('/api/v1/applications');
    const appId = apps[0].id;
    document.getElementById('app-name').textContent = `${apps[0].name} (${appId})`;
    const base = `/api/v1/applications/${encodeURIComponent(appId)}/streaming/batches/${encodeURIComponent(id)}`;
    let batch;
    try {
      batch = await getJson(base);
    } catch (e) {
      document.getElementById('title').textContent = `Batch ${id} is not retained (spark.streaming.ui.retainedBatches) or does not exist`;
      throw e;
    }
    const [ops, extra] = await Promise.all([getJson(`${base}/operations`), getJson(`/streaming/batch/data?id=${encodeURIComponent(id)}`)]);
    const withMillis = batch.batchDuration < 1000;
    document.title = `Batch ${formatDate(batch.batchId, withMillis)}`;
    document.getElementById('title').textContent = `Details of batch at ${formatDate(batch.batchId, withMillis)}`;
    const fact = (name, value) => el('li', {}, el('strong', {}, `${name}: `), value);
    document.getElementById('facts').replaceChildren(
      fact('Batch Duration', formatDuration(batch.batchDuration)),
      fact('Input data size', `${formatNumber(batch.inputSize)} records`),
      fact('Scheduling delay', formatDuration(batch.schedulingDelay)),
      fact('Processing time', formatDuration(batch.processingTime)),
      fact('Total delay', formatDuration(batch.totalDelay)),
      fact('Status', batch.status),
    );
    document.body.setAttribute('data-status', batch.status);

    const inputs = extra.inputs;
    document.getElementById('inputs-section').hidden = inputs.length === 0;
    document.querySelector('#inputs tbody').replaceChildren(...inputs.map((i) => el('tr', {},
      el('td', {}, i.name), el('td', {}, formatNumber(i.records)), el('td', {}, metadataList(i.metadata)))));

    const rows = [];
    for (const op of ops) {
      const jobs = extra.jobs[op.outputOpId] ?? [];
      const span = Math.max(1, jobs.length);
      const status = op.failureReason !== undefined
        ? el('span', { class: 'status-failed' }, 'Failed')
        : op.endTime !== undefined ? el('span', { class: 'status-ok' }, 'Succeeded') : op.startTime !== undefined ? 'Running' : '-';
      const description = el('div', { class: 'description' }, el('div', {}, op.name));
      if (op.description && op.description !== op.name) description.append(el('details', {}, el('summary', {}, '+details'), el('pre', { class: 'callsite' }, op.description)));
      const opCells = [
        el('td', { rowspan: span }, String(op.outputOpId)),
        el('td', { rowspan: span }, description),
        el('td', { rowspan: span }, formatDuration(op.duration)),
        el('td', { rowspan: span }, status),
      ];
      const errorCell = el('td', { rowspan: span, class: 'error-cell' }, op.failureReason === undefined ? '-' : failure(op.failureReason, true));
      // Spark's job columns: id, duration, stages succeeded/total (failed ones noted), and a
      // progress bar of the tasks of all its stages.
      const jobCells = (j) => [
        // As Spark's job tables: the group after the id, the description (sc.setJobGroup,
        // sc.setJobDescription) before the call site.
        el('td', { class: 'job-id', 'data-job-id': j.jobId }, j.jobGroup === undefined ? `${j.jobId}` : `${j.jobId} (${j.jobGroup})`,
          el('div', { class: 'avg' }, j.description === undefined ? j.callSite : `${j.description} (${j.callSite})`)),
        el('td', {}, formatDuration(j.endTime === undefined ? undefined : j.endTime - j.startTime)),
        el('td', { class: 'stages', 'data-value': `${j.numCompletedStages}/${j.numStages}` },
          `${j.numCompletedStages}/${j.numStages}`, j.numFailedStages > 0 ? ` (${j.numFailedStages} failed)` : ''),
        el('td', { class: 'tasks', 'data-value': `${j.numCompletedTasks}/${j.numTasks}` },
          progress(j.numCompletedTasks, j.numTasks, j.numFailedTasks, j.numActiveTasks)),
      ];
      if (jobs.length === 0) {
        rows.push(el('tr', { 'data-op': op.outputOpId, class: op.failureReason !== undefined ? 'failed' : undefined }, ...opCells, el('td', {}, '-'), el('td', {}, '-'), el('td', {}, '-'), el('td', {}, '-'), errorCell));
      } else {
        jobs.forEach((j, i) => rows.push(el('tr', { 'data-op': op.outputOpId, class: op.failureReason !== undefined ? 'failed' : undefined }, ...(i === 0 ? opCells : []), ...jobCells(j), ...(i === 0 ? [errorCell] : []))));
      }
    }
    document.querySelector('#ops tbody').replaceChildren(...rows);
    return batch.status !== 'COMPLETED';
  }

  poll(load, 1000, document.getElementById('live'));
})();
