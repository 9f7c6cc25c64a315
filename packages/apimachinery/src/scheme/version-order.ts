/**
 * Kube's ordering of API version names, as k8s.io/apimachinery/pkg/version
 * CompareKubeAwareVersionStrings orders them.
 * @module
 */

// as kube: `v<major>` optionally followed by `alpha<minor>` or `beta<minor>`; \d is ASCII only here as in Go's RE2
const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
// Go's strconv.Atoi fails beyond int64, which makes the version "not kube-like"
const MAX_INT64 = 2n ** 63n - 1n;

interface KubeVersion {
  major: bigint;
  /** alpha 0, beta 1, GA 2: the larger, the more preferred. */
  stability: number;
  minor: bigint;
}

function parseKubeVersion(version: string): KubeVersion | undefined {
  const match = KUBE_VERSION.exec(version);
  if (match === null) return undefined;
  const major = BigInt(match[1]!);
  const minor = match[3] === undefined ? 0n : BigInt(match[3]);
  if (major > MAX_INT64 || minor > MAX_INT64) return undefined;
  const stability = match[2] === 'alpha' ? 0 : match[2] === 'beta' ? 1 : 2;
  return { major, stability, minor };
}

function sign(n: bigint | number): number {
  return n > 0 ? 1 : n < 0 ? -1 : 0;
}

/**
 * Compares two API version names by kube's priority: positive when `a` ranks above `b`.
 *
 * GA beats beta beats alpha, then the higher major, then the higher minor (`v2` > `v1` >
 * `v1beta2` > `v1beta1` > `v1alpha1`); any kube-like name beats any other string; other strings
 * rank in reverse byte order (`bar` > `foo`), as kube does.
 */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const va = parseKubeVersion(a);
  const vb = parseKubeVersion(b);
  if (va === undefined && vb === undefined) {
    return sign(Buffer.compare(Buffer.from(b, 'utf8'), Buffer.from(a, 'utf8')));
  }
  if (va === undefined) return -1;
  if (vb === undefined) return 1;
  if (va.stability !== vb.stability) return sign(va.stability - vb.stability);
  if (va.major !== vb.major) return sign(va.major - vb.major);
  return sign(va.minor - vb.minor);
}

/** A copy of `versions`, most preferred first, by {@link compareKubeAwareVersions}. */
export function sortKubeAwareVersions(versions: readonly string[]): string[] {
  return [...versions].sort((a, b) => compareKubeAwareVersions(b, a));
}
