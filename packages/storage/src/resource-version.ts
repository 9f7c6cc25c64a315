/**
 * Parsing resourceVersions: decimal strings of the store's revision.
 * @module
 */
import { badRequest } from '@kapi/apimachinery';

/**
 * Parses a resourceVersion for a read: `""` → `undefined` (the latest), otherwise a non-negative
 * integer; anything else is a 400 `invalid resource version` (as kube's APIObjectVersioner.ParseResourceVersion).
 */
export function parseResourceVersion(resourceVersion: string | undefined): number | undefined {
  if (resourceVersion === undefined || resourceVersion === '') return undefined;
  if (!/^\d+$/.test(resourceVersion)) {
    throw badRequest(`invalid resource version: ${JSON.stringify(resourceVersion)}`);
  }
  const rv = Number(resourceVersion);
  if (!Number.isSafeInteger(rv)) {
    throw badRequest(`invalid resource version: ${JSON.stringify(resourceVersion)}`);
  }
  return rv;
}
