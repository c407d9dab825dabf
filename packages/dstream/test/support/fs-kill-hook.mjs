// Preloaded into a recovery child (`node --import`) by fs-kill-points.ts: SIGKILLs the process
// at the n-th call of one file-system function on a path matching a pattern, optionally
// after writing only the first half of the bytes (a torn write), or after the call (a rename
// done, nothing after it). The spec is the JSON in KINDLING_FS_KILL.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const spec = JSON.parse(process.env.KINDLING_FS_KILL ?? 'null');
if (spec !== null) {
  const pattern = new RegExp(spec.match);
  const paths = new Map();
  let seen = 0;
  const die = () => process.kill(process.pid, 'SIGKILL');
  const pathOf = (target) => (typeof target === 'number' ? paths.get(target) ?? '' : String(target));
  const hits = (target) => pattern.test(pathOf(target)) && ++seen === spec.nth;
  const openSync = fs.openSync;
  fs.openSync = (path, ...rest) => { const fd = openSync(path, ...rest); paths.set(fd, String(path)); return fd; };
  const open = fs.open;
  fs.open = (path, flags, ...rest) => {
    const cb = rest.pop();
    open(path, flags, ...rest, (err, fd) => { if (err === null) paths.set(fd, String(path)); cb(err, fd); });
  };
  if (spec.op === 'writeSync' || spec.op === 'writeFileSync') {
    const original = fs[spec.op];
    fs[spec.op] = (target, data, ...rest) => {
      if (hits(target)) {
        if (spec.half === true) {
          const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
          original(target, bytes.subarray(0, Math.floor(bytes.length / 2)));
        }
        die();
      }
      return original(target, data, ...rest);
    };
  } else if (spec.op === 'renameSync') {
    const original = fs.renameSync;
    fs.renameSync = (from, to) => {
      const hit = hits(to);
      if (hit && spec.after !== true) die();
      original(from, to);
      if (hit) die();
    };
  }
  syncBuiltinESMExports();
}
