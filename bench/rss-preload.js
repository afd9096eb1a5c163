// Preloaded with `node --import` into the real CLI by bench/run.js: on exit, writes the process's
// peak RSS (KiB, process.resourceUsage().maxRSS) to $VIGIL_BENCH_RSS_FILE. Changes nothing else.
import { writeFileSync } from 'node:fs';

const file = process.env.VIGIL_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
