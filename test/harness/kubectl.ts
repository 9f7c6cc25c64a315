/**
 * The real kubectl binaries: where they are, which versions exist, and running one against a
 * mini-kube with its own discovery cache (kubectl caches discovery for hours otherwise).
 * @module
 */
import { constants, realpathSync } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCommand, StreamingCommand } from './process.js';
import type { CommandOptions, CommandResult } from './process.js';

/** The kubectl minor versions the suites cover; 1.32 runs the full set. */
export const KUBECTL_VERSIONS = ['1.27', '1.28', '1.29', '1.30', '1.31', '1.32', '1.33'] as const;
/** The version the full suite uses (the one the kubectl dispatcher picks for mini-kube's minor). */
export const FULL_SUITE_VERSION = '1.32';

/** Where the versioned binaries live: `$KAPI_KUBECTL_DIR`, else beside what /usr/bin/kubectl links to. */
function kubectlDir(): { dir?: string; reason?: string } {
  const fromEnv = process.env.KAPI_KUBECTL_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return { dir: fromEnv };
  try {
    return { dir: dirname(realpathSync('/usr/bin/kubectl')) };
  } catch {
    return { reason: '/usr/bin/kubectl does not exist and KAPI_KUBECTL_DIR is not set' };
  }
}

/** A kubectl binary, or why it cannot be used. */
export type KubectlBinary = { path: string; skip?: undefined } | { path?: undefined; skip: string };

/** Finds `kubectl.<version>`; a missing one comes back with the reason to skip its tests. */
export async function findKubectl(version: string): Promise<KubectlBinary> {
  const { dir, reason } = kubectlDir();
  if (dir === undefined) return { skip: `kubectl ${version}: ${reason ?? 'no kubectl directory'}` };
  const path = join(dir, `kubectl.${version}`);
  try {
    await access(path, constants.X_OK);
    return { path };
  } catch {
    return { skip: `kubectl ${version}: no executable ${path} on this machine` };
  }
}

/** kubectl exited non-zero where the test expected success. */
export class KubectlError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    super(
      `kubectl ${args.join(' ')} exited ${result.code ?? result.signal ?? '?'}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/** One kubectl binary bound to one server's kubeconfig and a private discovery cache. */
export class Kubectl {
  private constructor(
    readonly binary: string,
    readonly kubeconfig: string,
    /** A scratch dir: HOME, the discovery cache, and room for the test's manifests. */
    readonly workDir: string,
  ) {}

  /** Binds `binary` to `kubeconfig`; close() removes the scratch dir. */
  static async create(binary: string, kubeconfig: string): Promise<Kubectl> {
    const workDir = await mkdtemp(join(tmpdir(), 'kapi-kubectl-'));
    return new Kubectl(binary, kubeconfig, workDir);
  }

  /** The environment kubectl runs in: no inherited KUBECONFIG, HOME in the scratch dir. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.workDir,
      LANG: 'C.UTF-8',
      ...extra,
    };
    return env;
  }

  /** The flags every call carries. */
  private baseArgs(): string[] {
    return ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.workDir, 'cache')];
  }

  /** Runs kubectl; resolves whatever it printed and its exit code. */
  run(args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    return runCommand(this.binary, [...this.baseArgs(), ...args], {
      ...options,
      env: this.env(options.env),
    });
  }

  /** Runs kubectl and resolves its stdout; rejects with stdout and stderr when it fails. */
  async ok(args: readonly string[], options: CommandOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new KubectlError(args, result);
    return result.stdout;
  }

  /** Runs kubectl expecting failure; resolves the result, rejects if it succeeded. */
  async fails(args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const result = await this.run(args, options);
    if (result.code === 0) throw new KubectlError(args, result);
    return result;
  }

  /** Starts a long-running kubectl (a watch); the caller stops it. */
  stream(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): StreamingCommand {
    return new StreamingCommand(this.binary, [...this.baseArgs(), ...args], {
      env: this.env(extraEnv),
    });
  }

  /** Removes the scratch dir. */
  async close(): Promise<void> {
    await rm(this.workDir, { recursive: true, force: true });
  }
}
