#!/usr/bin/env node
// kindling-submit: runs a Kindling application as spark-submit runs a Spark one
// (kindling-submit --help). Its code is src/submit/, built into dist/ by `pnpm build`.
try {
  await import('../dist/submit/cli.js');
} catch (e) {
  // Only in Kindling's own workspace before a build: installed packages always ship dist/.
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('submit/cli.js')) {
    console.error('kindling-submit: this @kindling/core has no build (dist/): run `pnpm build` in the Kindling workspace first');
    process.exit(1);
  }
  throw e;
}
