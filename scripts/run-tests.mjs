#!/usr/bin/env node
// Runs the unit tests of every package and example, then the black-box tests in test/,
// each phase through node's test runner with tsx, and prints one closing tally.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const phase = process.argv[2] ?? 'all';

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

function unitFiles() {
  const files = [];
  for (const base of ['packages', 'examples']) {
    const dir = join(root, base);
    if (!existsSync(dir)) continue;
    for (const pkg of readdirSync(dir)) files.push(...findTests(join(dir, pkg, 'test')));
  }
  return files.sort();
}

function run(name, files) {
  return new Promise((resolve) => {
    if (files.length === 0) {
      console.log(`# ${name}: no test files`);
      resolve({ pass: 0, fail: 0, skipped: 0, code: 0 });
      return;
    }
    console.log(`# ${name}: ${files.length} files`);
    const args = [
      '--import',
      'tsx',
      '--conditions=@kapi/source',
      '--test',
      '--test-reporter=spec',
      ...files.map((f) => relative(root, f)),
    ];
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tally = { pass: 0, fail: 0, skipped: 0, code: 0 };
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
    });
    child.on('close', (code) => {
      for (const key of ['pass', 'fail', 'skipped']) {
        const m = buffer.match(new RegExp(`^\\S+ ${key} (\\d+)$`, 'm'));
        if (m) tally[key] = Number(m[1]);
      }
      tally.code = code ?? 1;
      resolve(tally);
    });
  });
}

const results = [];
if (phase === 'all' || phase === 'unit') results.push(await run('unit tests', unitFiles()));
if (phase === 'all' || phase === 'e2e')
  results.push(await run('black-box tests', findTests(join(root, 'test'))));
const sum = results.reduce(
  (a, r) => ({
    pass: a.pass + r.pass,
    fail: a.fail + r.fail,
    skipped: a.skipped + r.skipped,
    code: a.code || r.code,
  }),
  { pass: 0, fail: 0, skipped: 0, code: 0 },
);
console.log(`\ntests: ${sum.pass} passed, ${sum.fail} failed, ${sum.skipped} skipped`);
process.exit(sum.code !== 0 || sum.fail > 0 ? 1 : 0);
