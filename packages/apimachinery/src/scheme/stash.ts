/**
 * Helpers for lossless conversion: keep a field that a version has no place for in an annotation,
 * and take it back on the way home (as kube does, e.g. autoscaling/v1 HorizontalPodAutoscaler keeps
 * v2 metrics in `autoscaling.alpha.kubernetes.io/metrics`).
 * @module
 */
import { badRequest, quote } from '../errors.js';
import type { KubeObject } from '../meta/types.js';

/**
 * Stores `value` as JSON in annotation `key` of `obj` (creating `metadata` and `annotations` as
 * needed). `undefined` stores nothing, so an absent field stays absent after the round trip.
 */
export function stashInAnnotation(obj: KubeObject, key: string, value: unknown): void {
  if (value === undefined) return;
  const metadata = (obj.metadata ??= {});
  metadata.annotations = { ...metadata.annotations, [key]: JSON.stringify(value) };
}

/**
 * Takes back what {@link stashInAnnotation} stored: removes annotation `key` from `obj` and returns
 * its parsed value, or `undefined` when the annotation is absent. An annotations map left empty is
 * removed, as Go's `omitempty` drops it on the wire anyway. Annotation text that is not JSON is a
 * 400, since only a client can have written it.
 */
export function restoreFromAnnotation(obj: KubeObject, key: string): unknown {
  const metadata = obj.metadata;
  const annotations = metadata?.annotations;
  if (metadata === undefined || annotations === undefined || !Object.hasOwn(annotations, key)) {
    return undefined;
  }
  const { [key]: raw, ...rest } = annotations;
  if (Object.keys(rest).length === 0) delete metadata.annotations;
  else metadata.annotations = rest;
  try {
    return JSON.parse(raw ?? '') as unknown;
  } catch {
    throw badRequest(`annotation ${quote(key)} does not hold valid JSON: ${quote(raw ?? '')}`);
  }
}
