#!/usr/bin/env node
// kindling-submit: runs a Kindling application as spark-submit runs a Spark one
// (kindling-submit --help). Its code is src/submit/, built into dist/ by `pnpm build`.
import '../dist/submit/cli.js';
