/**
 * `pnpm bench`: runs every `*.bench.ts` beside this file, one after another, each in a process of its own so
 * that one benchmark's memory figures do not carry another's heap, with the V8 flags the platform runs with
 * (`PLATFORM_NODE_FLAGS`). `--expose-gc` lets a benchmark start each measurement from a collected heap.
 * Arguments after the script name are passed on to each benchmark.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORM_NODE_FLAGS } from '../src/cli/node-flags';
import { formatGoals, readGoalsSince } from './support/report';

const here = path.dirname(fileURLToPath(import.meta.url));
const files = (await readdir(here)).filter((name) => name.endsWith('.bench.ts')).sort();

const started = new Date();
let failed = 0;
for (const name of files) {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      ...PLATFORM_NODE_FLAGS,
      '--import',
      'tsx',
      path.join(here, name),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    failed += 1;
    process.stderr.write(`${name} failed (exit ${code})\n`);
  }
}
const goals = await readGoalsSince(started);
if (goals.length) process.stdout.write(`\ngoals of the issues, this run:\n${formatGoals(goals)}\n`);
process.exitCode = failed ? 1 : 0;
