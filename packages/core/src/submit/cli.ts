// The kindling-submit command (bin/kindling-submit.js loads this module's build).
import { runKindlingSubmit } from './kindling-submit.ts';

process.exitCode = await runKindlingSubmit(process.argv.slice(2));
