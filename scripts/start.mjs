#!/usr/bin/env node
// `npm start`: runs the example server (examples/mini-kube) once it exists.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const entry = `${root}examples/mini-kube/src/main.ts`;
if (!existsSync(entry)) {
  console.error(
    'The example server (examples/mini-kube) is not built yet: it arrives with the server issue.\n' +
      'Today Kapi ships @kapi/apimachinery and the storage packages; run `npm test` to exercise them.',
  );
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--conditions=@kapi/source', entry, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
