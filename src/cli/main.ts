#!/usr/bin/env node
import { keepYoungGenerationSmall } from './heap-flags.js';

// Before the rest loads: loading alone would grow the young generation.
keepYoungGenerationSmall();
const { runCli } = await import('./program.js');
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
