/**
 * The admin credentials mini-kube keeps in its data dir: a random bearer token, created once, and
 * the kubeconfig that hands it to kubectl together with the server URL and the CA.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** The file the admin token is kept in, inside the data dir. */
export const ADMIN_TOKEN_FILE = 'admin.token';
/** The kubeconfig written for the admin, inside the data dir. */
export const ADMIN_KUBECONFIG_FILE = 'admin.kubeconfig';

/**
 * Reads the admin token from `<dataDir>/admin.token`, creating it (256 random bits, mode 0600) on
 * first start. Two processes starting at once agree on one token: the file is created exclusively.
 */
export async function loadOrCreateAdminToken(dataDir: string): Promise<string> {
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const existing = await readToken(path);
  if (existing !== undefined) return existing;
  const token = randomBytes(32).toString('base64url');
  try {
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = await readToken(path);
    if (raced === undefined) throw new Error(`${path} is empty`, { cause: err });
    return raced;
  }
}

async function readToken(path: string): Promise<string | undefined> {
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token === '') throw new Error(`${path} is empty: delete it to get a new admin token`);
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** What an admin kubeconfig holds. */
export interface KubeconfigParams {
  /** The server URL, e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** The CA that signed the serving certificate, in PEM. */
  caPem: string;
  token: string;
  /** The name of the cluster, user and context (default `mini-kube`). */
  name?: string;
}

/** The kubeconfig YAML for the admin. */
export function kubeconfigYaml(params: KubeconfigParams): string {
  const name = params.name ?? 'mini-kube';
  const user = `${name}-admin`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: params.server,
          'certificate-authority-data': Buffer.from(params.caPem, 'utf8').toString('base64'),
        },
      },
    ],
    users: [{ name: user, user: { token: params.token } }],
    contexts: [{ name, context: { cluster: name, user } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes a kubeconfig (mode 0600) so that a reader never sees half of it. */
export async function writeKubeconfig(path: string, params: KubeconfigParams): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, kubeconfigYaml(params), { mode: 0o600 });
  await rename(temporary, path);
}
