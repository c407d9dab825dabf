import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DashboardModel } from '../src/batch-view.ts';
import type { BatchView } from '../src/batch-view.ts';
import { DashboardServer } from '../src/dashboard-server.ts';

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    }).on('error', reject).end();
  });
}

const batch = (time: number, buys: number): BatchView => ({
  time, buys, sells: 10 - buys, topClients: [{ rank: 1, name: '7', value: 70 }], topStocks: [{ rank: 1, name: 'IBM', value: 5 }],
  lines: [`(BUYS,List(${buys}))`], records: 10, processingMs: 12, schedulingDelayMs: 1, totalDelayMs: 13,
});

describe('DashboardServer', () => {
  let server: DashboardServer | undefined;
  afterEach(async () => { await server?.close(); });

  it('serves its own page, script and style on 127.0.0.1 (no CDN)', async () => {
    server = new DashboardServer(new DashboardModel('t', 5000, 'updateStateByKey', false));
    const url = await server.listen(0);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await get(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('<script type="module" src="/app.js">');
    expect(page.body).not.toMatch(/https?:\/\//); // nothing fetched from elsewhere
    expect((await get(`${url}/app.js`)).type).toContain('text/javascript');
    expect((await get(`${url}/style.css`)).type).toContain('text/css');
    expect((await get(`${url}/nope`)).status).toBe(404);
  });

  // Issue 10, defect 7 (probe: "the dashboard answers any Host header, so a DNS-rebinding page
  // can read /api/snapshot and /events").
  it('refuses requests whose Host is not 127.0.0.1 or localhost with its port (DNS rebinding)', async () => {
    server = new DashboardServer(new DashboardModel('t', 5000, 'updateStateByKey', false));
    const url = await server.listen(0);
    const port = new URL(url).port;
    for (const path of ['/api/snapshot', '/events', '/']) {
      for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1', `localhost:${Number(port) + 1}`, `127.0.0.1.evil.example:${port}`]) {
        const r = await get(`${url}${path}`, { host });
        expect([path, host, r.status]).toEqual([path, host, 403]);
        expect(r.body).not.toContain('"batches"');
      }
    }
    expect((await get(`${url}/api/snapshot`, { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(`${url}/api/snapshot`, { host: `LOCALHOST:${port}` })).status).toBe(200);
    expect((await get(`${url}/api/snapshot`, { host: `127.0.0.1:${port}` })).status).toBe(200);
    const refused = await get(`${url}/api/snapshot`, { host: 'evil.example' });
    expect(refused.body).toContain(`Host 'evil.example' refused`);
  });

  it('sends the snapshot on connect, then every published event', async () => {
    const model = new DashboardModel('t', 5000, 'mapWithState', true);
    model.addBatch(batch(5000, 6));
    server = new DashboardServer(model);
    const url = await server.listen(0);
    const events: { event: string; data: unknown }[] = [];
    const req = request(`${url}/events`);
    const connected = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        let buf = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          buf += d;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const ev = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
          }
          if (events.length >= 1) resolve();
        });
      });
    });
    req.end();
    await connected;
    const next = batch(10_000, 4);
    model.addBatch(next);
    server.publish('batch', next);
    server.publish('status', { phase: 'finished' });
    const until = Date.now() + 5000;
    while (events.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.event)).toEqual(['snapshot', 'batch', 'status']);
    const snap = events[0]!.data as { stateMode: string; replay: boolean; batches: BatchView[] };
    expect(snap.stateMode).toBe('mapWithState');
    expect(snap.replay).toBe(true);
    expect(snap.batches.map((b) => b.time)).toEqual([5000]);
    expect(events[1]!.data).toEqual(next);
    req.destroy();
    expect(JSON.parse((await get(`${url}/api/snapshot`)).body).batches).toHaveLength(2);
  });

  it('says what to do when the port is taken', async () => {
    server = new DashboardServer(new DashboardModel('t', 5000, 'updateStateByKey', false));
    const url = await server.listen(0);
    const other = new DashboardServer(new DashboardModel('t', 5000, 'updateStateByKey', false));
    await expect(other.listen(Number(new URL(url).port))).rejects.toThrow(/already in use; pass --port with another port \(or --port 0/);
    await other.close();
  });

  it('keeps the last batches only', () => {
    const model = new DashboardModel('t', 5000, 'updateStateByKey', false, 3);
    for (let i = 1; i <= 5; i++) model.addBatch(batch(i * 5000, i));
    expect(model.snapshot().batches.map((b) => b.buys)).toEqual([3, 4, 5]);
  });
});
