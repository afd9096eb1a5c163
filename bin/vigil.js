#!/usr/bin/env node
// The CLI is compiled by `npm install` (the prepare script); see src/cli/main.ts.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
