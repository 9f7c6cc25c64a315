/**
 * Shared set-up for the kubectl suites: one mini-kube per test file, a kubectl bound to it,
 * and small readers for what kubectl prints.
 * @module
 */
import { describe, it } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kubectl } from './kubectl.js';
import { MiniKube } from './mini-kube.js';
import type { Storage } from './mini-kube.js';

/** A running mini-kube with a kubectl bound to it. */
export interface KubectlSuite {
  server: MiniKube;
  kubectl: Kubectl;
  /** Creates a namespace for one test (names must be unique in the file) and returns its name. */
  namespace(name: string): Promise<string>;
  /** Writes a manifest into kubectl's scratch dir and returns its path. */
  manifest(fileName: string, text: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts mini-kube and binds `binary` to its admin kubeconfig. */
export async function startKubectlSuite(binary: string, storage: Storage): Promise<KubectlSuite> {
  const server = await MiniKube.start({ storage });
  let kubectl: Kubectl;
  try {
    kubectl = await Kubectl.create(binary, server.kubeconfigPath);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    server,
    kubectl,
    async namespace(name) {
      await kubectl.ok(['create', 'namespace', name]);
      return name;
    },
    async manifest(fileName, text) {
      const path = join(kubectl.workDir, fileName);
      await writeFile(path, text);
      return path;
    },
    async close() {
      await kubectl.close();
      await server.stop();
    },
  };
}

/** Splits kubectl's output into non-empty lines. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Splits a kubectl table (cells without spaces) into rows of cells, header first. */
export function table(text: string): string[][] {
  return lines(text).map((line) => line.trim().split(/\s+/));
}

/**
 * `describe(name, options, fn)`, or, when `skipReason` is set, one skipped test carrying the
 * reason: a skipped suite would not show in the runner's skipped count, a skipped test does.
 */
export function describeOrSkip(
  skipReason: string | undefined,
  name: string,
  options: { concurrency?: number },
  fn: () => void,
): void {
  if (skipReason !== undefined) {
    it(name, { skip: skipReason });
    return;
  }
  describe(name, options, fn);
}
