// Preloaded into a recovery child (`node --import`) by fs-kill-points.ts: SIGKILLs the process
// at the n-th call of one file-system function (or of either write function) on a path matching a pattern, optionally
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
  if (spec.op === 'writeSync' || spec.op === 'writeFileSync' || spec.op === 'write') {
    // 'write' counts both functions: a writer may write a file whole by path, or through a
    // descriptor it keeps (at a position). A writeFileSync on a descriptor calls writeSync
    // itself; that inner call is the same write and is not counted again.
    let inside = false;
    const patch = (name) => {
      const original = fs[name];
      fs[name] = (target, data, ...rest) => {
        if (inside) return original(target, data, ...rest);
        inside = true;
        try {
          if (hits(target)) {
            if (spec.half === true) {
              const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
              const half = bytes.subarray(0, Math.floor(bytes.length / 2));
              // A positioned writeSync (fd, buffer, offset, length, position) tears the bytes where they were going.
              if (name === 'writeSync' && typeof rest[2] === 'number') original(target, half, 0, half.length, rest[2]);
              else original(target, half);
            }
            die();
          }
          return original(target, data, ...rest);
        } finally {
          inside = false;
        }
      };
    };
    if (spec.op === 'write') {
      patch('writeFileSync');
      patch('writeSync');
    } else patch(spec.op);
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
