#!/usr/bin/env node
// The Vigil app as main.ts boots it, in its own process so the load generator does not share its
// event loop. Configuration from the environment (loadConfig); VIGIL_BENCH_AT (epoch seconds) pins
// the budget cycles' "now" to the end of the synthetic history. Prints `listening <url>` on stdout;
// JSON logs go to stderr. Stops on SIGTERM (the app's own shutdown hooks).

import 'reflect-metadata';
import { createApp } from '../dist/app.module.js';
import { loadConfig } from '../dist/config/config.js';
import { ManualClock } from '../dist/core/ports/clock.js';

const at = Number(process.env.VIGIL_BENCH_AT);
const config = loadConfig();
const app = await createApp(config, {
  logWrite: (line) => void process.stderr.write(line),
  ...(Number.isFinite(at) && at > 0 ? { clock: new ManualClock(new Date(at * 1000)) } : {}),
});
await app.listen(0, '127.0.0.1');
process.stdout.write(`listening ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}\n`);
