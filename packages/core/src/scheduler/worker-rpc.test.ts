import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WorkerRpc, type WorkerPort } from './worker-rpc.ts';

/** A port that records what is posted to it, one entry per `postMessage` (a delivery). */
function recordingPorts(n: number): { ports: WorkerPort[]; sent: unknown[][] } {
  const sent: unknown[][] = Array.from({ length: n }, () => []);
  return { ports: sent.map((s) => ({ postMessage: (m: unknown) => { s.push(m); } })), sent };
}

describe('WorkerRpc.postWithNext', () => {
  it('a held message goes out in the before list of the next message to the same worker only', async () => {
    const { ports, sent } = recordingPorts(2);
    const rpc = new WorkerRpc(ports);
    rpc.postWithNext(0, { type: 'clear', time: 1000 });
    rpc.postWithNext(0, { type: 'clear', time: 2000 });
    void rpc.request(0, { type: 'batch', time: 3000 });
    rpc.post(1, { type: 'other' });
    expect(sent[0]).toEqual([{ type: 'batch', time: 3000, id: 0, before: [{ type: 'clear', time: 1000 }, { type: 'clear', time: 2000 }] }]);
    expect(sent[1]).toEqual([{ type: 'other' }]);
    // Nothing is left to flush: the clears went out once.
    await nextTurn();
    expect(sent[0]).toHaveLength(1);
    expect(sent[1]).toHaveLength(1);
  });

  it('a held message with nothing after it in this turn goes out on its own right after it, the last carrying the earlier', async () => {
    const { ports, sent } = recordingPorts(2);
    const rpc = new WorkerRpc(ports);
    rpc.postWithNext(1, { type: 'clear', time: 1000 });
    rpc.postWithNext(1, { type: 'clear', time: 2000 });
    expect(sent[1]).toEqual([]);
    await nextTurn();
    expect(sent[1]).toEqual([{ type: 'clear', time: 2000, before: [{ type: 'clear', time: 1000 }] }]);
    expect(sent[0]).toEqual([]);
  });

  it('nothing held goes to a lost worker', async () => {
    const { ports, sent } = recordingPorts(1);
    const rpc = new WorkerRpc(ports);
    rpc.postWithNext(0, { type: 'clear', time: 1000 });
    rpc.workerLost(0, 'exited with code 1');
    await nextTurn();
    expect(sent[0]).toEqual([]);
  });
});
