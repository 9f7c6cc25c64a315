/**
 * The PATCH content types and which resources accept which (PATCH-APPLY.md A1).
 * @module
 */

/** RFC 6902 JSON patch. */
export const JSON_PATCH_TYPE = 'application/json-patch+json';
/** RFC 7386 JSON merge patch. */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json';
/** Kubernetes strategic merge patch. */
export const STRATEGIC_MERGE_PATCH_TYPE = 'application/strategic-merge-patch+json';
/** Server-side apply (YAML or JSON body). */
export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

/**
 * The content types a PATCH endpoint of a typed resource (one with patch metadata, defined by the
 * framework or a plugin) accepts, in kube's order: json, merge, strategic, apply.
 */
export const patchTypes: readonly string[] = [
  JSON_PATCH_TYPE,
  MERGE_PATCH_TYPE,
  STRATEGIC_MERGE_PATCH_TYPE,
  APPLY_PATCH_TYPE,
];

/** The content types of a dynamic (CRD-style) resource: no strategic merge patch (kube: customresource_handler.go). */
export const untypedPatchTypes: readonly string[] = [
  JSON_PATCH_TYPE,
  MERGE_PATCH_TYPE,
  APPLY_PATCH_TYPE,
];

/** The patch type named by a Content-Type header: everything from the first `;` on is dropped, nothing else (as kube: handlers/patch.go). */
export function patchTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return semicolon > 0 ? contentType.slice(0, semicolon) : contentType;
}
