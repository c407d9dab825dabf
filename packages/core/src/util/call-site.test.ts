import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callSiteFromStack, captureCallSite, withCallSite } from './call-site.ts';

// The packages folder of this workspace: frames under <pkg>/src are Kindling's own.
const packages = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dstreamSrc = join(packages, 'dstream', 'src', 'dstream', 'dstream.ts');
const userFile = join(packages, '..', 'examples', 'app', 'pipeline.ts');

function stack(...frames: string[]): string {
  return ['Error', ...frames.map((f) => `    at ${f}`)].join('\n');
}

describe('callSiteFromStack', () => {
  it("names the outermost Kindling method before the user's frame, and the user's file:line", () => {
    const s = stack(
      `new DStream (${dstreamSrc}:77:9)`,
      `new MappedDStream (${join(packages, 'dstream', 'src', 'dstream', 'mapped-dstream.ts')}:7:87)`,
      `QueueInputDStream.map (${dstreamSrc}:319:47)`,
      `QueueInputDStream.countByValueAndWindow (${dstreamSrc}:401:17)`,
      `buildPipeline (${userFile}:42:22)`,
      `main (${userFile}:90:3)`,
      'process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    );
    const site = callSiteFromStack(s, 'MappedDStream');
    expect(site.shortForm).toBe('countByValueAndWindow at pipeline.ts:42');
    expect(site.longForm).toBe(`at buildPipeline (${userFile}:42:22)\nat main (${userFile}:90:3)`);
  });

  it('reads file:// URLs, and skips node: internals and node_modules frames before the user', () => {
    const lib = join(packages, '..', 'node_modules', 'some-lib', 'index.js');
    const s = stack(
      `StreamingContext.socketTextStream (${pathToFileURL(join(packages, 'dstream', 'src', 'streaming-context.ts')).href}:210:12)`,
      `wrap (${lib}:3:10)`,
      'Array.forEach (<anonymous>)',
      `${pathToFileURL(userFile).href}:7:5`,
    );
    expect(callSiteFromStack(s, 'SocketInputDStream').shortForm).toBe('socketTextStream at pipeline.ts:7');
  });

  it("a constructor called from user code (a user's subclass) is named by the fallback class name", () => {
    const s = stack(
      `new DStream (${dstreamSrc}:77:9)`,
      `new SlidingDStream (${userFile}:12:5)`,
      `${userFile}:30:1`,
    );
    expect(callSiteFromStack(s, 'SlidingDStream').shortForm).toBe('SlidingDStream at pipeline.ts:12');
  });

  it('a test beside the sources is user code, not Kindling', () => {
    const s = stack(`DStream.map (${dstreamSrc}:319:47)`, `${join(packages, 'dstream', 'src', 'dstream', 'dstream.test.ts')}:15:20`);
    expect(callSiteFromStack(s, 'MappedDStream').shortForm).toBe('map at dstream.test.ts:15');
  });

  it('without a user frame: the operator at <unknown>', () => {
    const s = stack(`DStream.map (${dstreamSrc}:319:47)`, 'process.processTicksAndRejections (node:internal/process/task_queues:95:5)');
    expect(callSiteFromStack(s, 'MappedDStream')).toEqual({ shortForm: 'map at <unknown>', longForm: '' });
    expect(callSiteFromStack('', 'MappedDStream').shortForm).toBe('MappedDStream at <unknown>');
  });
});

describe('captureCallSite', () => {
  it('captures the caller now and reads it later; withCallSite overrides it for what runs inside', () => {
    const here = /call-site\.test\.ts:(\d+)/;
    const site = captureCallSite('someOp'); const line = Number(here.exec(new Error().stack!.split('\n')[1]!)![1]);
    expect(site.shortForm).toBe(`someOp at call-site.test.ts:${line}`);
    expect(site.longForm.split('\n')[0]).toContain(`call-site.test.ts:${line}:`);
    const outer = { shortForm: 'countByValueAndWindow at app.ts:42', longForm: '' };
    expect(withCallSite(outer, () => captureCallSite('map'))).toBe(outer);
    expect(captureCallSite('map')).not.toBe(outer);
  });
});
