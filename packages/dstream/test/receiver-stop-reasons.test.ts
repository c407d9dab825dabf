// Why a receiver stopped, as Spark's ReceiverTracker records it when a receiver deregisters
// (deregisterReceiver): the stop's message becomes the ReceiverInfo's lastErrorMessage, with
// the error's stack and time when it stopped because of one (lastErrorTime -1 otherwise), and
// onReceiverStopped is posted for every stop for good, error or not. The context stops its
// receivers with "Stopped by driver"; a restart deregisters with "Restarting receiver with delay
// <d>ms: <message>"; a (re)started receiver registers again with no error (registerReceiver).
// Every stop is a deregistration (onReceiverStopped), also one followed by a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { Receiver, type ReceiverInfo } from '../src/index.ts';
import { InputTestKit, clockOf, collectPartitions, eventually, receiverEvents } from './support/input-test-kit.ts';

const kit = new InputTestKit();
afterEach(() => kit.cleanup());
const quiet = (): void => undefined;
const noTicks = { 'spark.streaming.blockInterval': '1h', 'spark.streaming.receiverRestartDelay': '10ms' };

/** A receiver the test drives by hand, recording its lifecycle. */
class ManualReceiver extends Receiver<string> {
  events: string[] = [];
  onStart(): void { this.events.push('start'); }
  onStop(): void { this.events.push('stop'); }
}

const why = ([kind, i]: [string, ReceiverInfo]) => [kind, i.active, i.lastErrorMessage, i.lastError === '' ? '' : 'stack', i.lastErrorTime >= 0];

describe('a receiver stopping says why, as Spark records it', () => {
  it('stopped by the context: "Stopped by driver", no error', async () => {
    const ssc = kit.context(noTicks);
    const events = receiverEvents(ssc);
    collectPartitions(ssc.receiverStream(new ManualReceiver(), { log: quiet }));
    await ssc.start();
    await ssc.stop();
    expect(events.map(why)).toEqual([['started', true, '', '', false], ['stopped', false, 'Stopped by driver', '', false]]);
  });

  it('stop(message) posts onReceiverStopped with the message; stop(message, error) too, with the error and its time; then the receiver starts again', async () => {
    for (const error of [undefined, new Error('EPIPE')]) {
      const ssc = kit.context(noTicks);
      const events = receiverEvents(ssc);
      const r = new ManualReceiver();
      collectPartitions(ssc.receiverStream(r, { log: quiet }));
      await ssc.start();
      const before = Date.now();
      r.stop('no more input', error);
      await eventually(() => events.length === 3, () => JSON.stringify(events));
      expect(events.map(why)).toEqual([
        ['started', true, '', '', false],
        ['stopped', false, 'no more input', error === undefined ? '' : 'stack', error !== undefined],
        ['started', true, '', '', false],
      ]);
      if (error !== undefined) {
        expect(events[1]![1].lastError).toContain('EPIPE');
        expect(events[1]![1].lastErrorTime).toBeGreaterThanOrEqual(before);
      }
      await ssc.stop();
      expect(events.slice(3).map(why)).toEqual([['stopped', false, 'Stopped by driver', '', false]]);
    }
  });

  it('a restart deregisters with the delay and the message; the restarted receiver reports no error of its previous run', async () => {
    const ssc = kit.context(noTicks);
    const events = receiverEvents(ssc);
    const r = new ManualReceiver();
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    r.reportError('a record was malformed', new Error('bad record'));
    r.restart('reconnect');
    await eventually(() => events.length === 4, () => JSON.stringify(events));
    expect(events.map(why)).toEqual([
      ['started', true, '', '', false],
      ['error', true, 'a record was malformed', 'stack', true],
      ['stopped', false, 'Restarting receiver with delay 10ms: reconnect', '', false],
      ['started', true, '', '', false],
    ]);
    r.restart('reset by peer', new Error('ECONNRESET'), 5);
    await eventually(() => events.length === 6, () => JSON.stringify(events));
    expect(events.slice(4).map(why)).toEqual([
      ['stopped', false, 'Restarting receiver with delay 5ms: reset by peer', 'stack', true],
      ['started', true, '', '', false],
    ]);
    await clockOf(ssc).advance(1000);
  });
});

describe("Spark's REST API for a stopped receiver", () => {
  it('lists it inactive with the reason it stopped, and no error time', async () => {
    const ssc = kit.context({ ...noTicks, 'spark.ui.enabled': 'true', 'spark.ui.port': '0' });
    const r = new ManualReceiver();
    collectPartitions(ssc.receiverStream(r, { log: quiet }));
    await ssc.start();
    r.restart('end of input', undefined, 3_600_000); // stays stopped for the hour of its restart delay
    await eventually(() => r.isStopped(), () => r.events.join(','));
    const base = `${ssc.sparkContext.uiWebUrl!}/api/v1/applications/${ssc.sparkContext.applicationId}/streaming`;
    const [info] = await (await fetch(`${base}/receivers`)).json() as Record<string, unknown>[];
    expect(info).toMatchObject({ streamId: 0, streamName: 'ManualReceiver-0', isActive: false, lastErrorMessage: 'Restarting receiver with delay 3600000ms: end of input' });
    expect(info).not.toHaveProperty('lastErrorTime');
    expect(info).not.toHaveProperty('lastError');
    const stats = await (await fetch(`${base}/statistics`)).json() as Record<string, unknown>;
    expect(stats).toMatchObject({ numReceivers: 1, numActiveReceivers: 0, numInactiveReceivers: 1 });
  });
});
