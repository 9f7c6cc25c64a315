import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine, UsageError } from '../src/options.js';
import type { CommandLine } from '../src/options.js';

const DEFAULTS: CommandLine = {
  port: 6443,
  bindAddress: '127.0.0.1',
  dataDir: '.kapi',
  storage: 'sqlite',
  etcdServers: ['http://127.0.0.1:2379'],
};

describe('command line', () => {
  const good: { name: string; args: string[]; expected: CommandLine | 'help' }[] = [
    { name: 'no flags', args: [], expected: DEFAULTS },
    {
      name: 'every flag',
      args: [
        '--port',
        '0',
        '--bind-address',
        '::1',
        '--data-dir',
        '/tmp/x',
        '--storage',
        'etcd',
        '--etcd-servers',
        'http://a:1, https://b:2',
      ],
      expected: {
        port: 0,
        bindAddress: '::1',
        dataDir: '/tmp/x',
        storage: 'etcd',
        etcdServers: ['http://a:1', 'https://b:2'],
      },
    },
    {
      name: 'flags with =',
      args: ['--port=8443', '--storage=memory'],
      expected: { ...DEFAULTS, port: 8443, storage: 'memory' },
    },
    { name: 'help', args: ['--help'], expected: 'help' },
    { name: 'short help', args: ['-h'], expected: 'help' },
  ];
  for (const c of good) {
    it(c.name, () => {
      assert.deepEqual(parseCommandLine(c.args), c.expected);
    });
  }

  const bad: { name: string; args: string[]; message: RegExp }[] = [
    { name: 'an unknown flag', args: ['--bogus'], message: /Unknown option '--bogus'/ },
    { name: 'a positional argument', args: ['serve'], message: /serve/ },
    { name: 'a flag without its value', args: ['--port'], message: /--port/ },
    {
      name: 'a port out of range',
      args: ['--port', '65536'],
      message: /--port must be a number from 0 to 65535, not "65536"/,
    },
    {
      name: 'a port that is not a number',
      args: ['--port', 'http'],
      message: /--port must be a number/,
    },
    {
      name: 'a host name as bind address',
      args: ['--bind-address', 'localhost'],
      message: /--bind-address must be an IP address, not "localhost"/,
    },
    {
      name: 'an unknown storage',
      args: ['--storage', 'postgres'],
      message: /--storage must be one of sqlite, memory, etcd, not "postgres"/,
    },
    {
      name: 'etcd servers without etcd',
      args: ['--etcd-servers', 'http://a:1'],
      message: /--etcd-servers needs --storage etcd/,
    },
    {
      name: 'an etcd server that is no URL',
      args: ['--storage', 'etcd', '--etcd-servers', '127.0.0.1:2379'],
      message: /--etcd-servers takes URLs/,
    },
    {
      name: 'no etcd server at all',
      args: ['--storage', 'etcd', '--etcd-servers', ','],
      message: /at least one URL/,
    },
    {
      name: 'an empty data dir',
      args: ['--data-dir', ''],
      message: /--data-dir must not be empty/,
    },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      assert.throws(
        () => parseCommandLine(c.args),
        (err: unknown) => err instanceof UsageError && c.message.test(err.message),
      );
    });
  }
});
