/**
 * How definitions, operations and tags are named in kube's OpenAPI documents.
 * @module
 */
import type { GroupVersion, GroupVersionKind } from '@kapi/apimachinery';

/**
 * The Go package prefix kube's own groups are named after in OpenAPI (kube names definitions by
 * the Go type: `k8s.io/api/core/v1.ConfigMap` becomes `io.k8s.api.core.v1.ConfigMap`).
 */
const KUBE_GROUP_PACKAGES: Readonly<Record<string, string>> = {
  '': 'io.k8s.api.core',
  admission: 'io.k8s.api.admission',
  'admission.k8s.io': 'io.k8s.api.admission',
  'admissionregistration.k8s.io': 'io.k8s.api.admissionregistration',
  apps: 'io.k8s.api.apps',
  'authentication.k8s.io': 'io.k8s.api.authentication',
  'authorization.k8s.io': 'io.k8s.api.authorization',
  autoscaling: 'io.k8s.api.autoscaling',
  batch: 'io.k8s.api.batch',
  'certificates.k8s.io': 'io.k8s.api.certificates',
  'coordination.k8s.io': 'io.k8s.api.coordination',
  'discovery.k8s.io': 'io.k8s.api.discovery',
  'events.k8s.io': 'io.k8s.api.events',
  'flowcontrol.apiserver.k8s.io': 'io.k8s.api.flowcontrol',
  'imagepolicy.k8s.io': 'io.k8s.api.imagepolicy',
  'internal.apiserver.k8s.io': 'io.k8s.api.apiserverinternal',
  'networking.k8s.io': 'io.k8s.api.networking',
  'node.k8s.io': 'io.k8s.api.node',
  policy: 'io.k8s.api.policy',
  'rbac.authorization.k8s.io': 'io.k8s.api.rbac',
  'resource.k8s.io': 'io.k8s.api.resource',
  'scheduling.k8s.io': 'io.k8s.api.scheduling',
  'storage.k8s.io': 'io.k8s.api.storage',
  'storagemigration.k8s.io': 'io.k8s.api.storagemigration',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
  'apiregistration.k8s.io': 'io.k8s.kube-aggregator.pkg.apis.apiregistration',
  'metrics.k8s.io': 'io.k8s.metrics.pkg.apis.metrics',
};

/**
 * The prefix of every definition of a group version: kube's package name for kube's own groups
 * (`io.k8s.api.core.v1`), otherwise the group reversed as kube names custom resources
 * (`wardle.example.com` → `com.example.wardle.v1alpha1`; kube-openapi pkg/util ToRESTFriendlyName).
 */
export function definitionPrefix(gv: GroupVersion): string {
  const kube = KUBE_GROUP_PACKAGES[gv.group];
  if (kube !== undefined) return `${kube}.${gv.version}`;
  return `${gv.group.split('.').reverse().join('.')}.${gv.version}`;
}

/**
 * The default definition name of a kind: `io.k8s.api.core.v1.ConfigMap`,
 * `io.k8s.api.apps.v1.Deployment`, `com.example.wardle.v1alpha1.Flunder`.
 */
export function defaultDefinitionName(gvk: GroupVersionKind): string {
  return `${definitionPrefix(gvk)}.${gvk.kind}`;
}

/**
 * Camel-cases a string as kube's operation IDs do: letters and underscores are kept (digits too,
 * past the first character), anything else starts a new capitalised word
 * (k8s.io/apiserver pkg/endpoints/openapi ToValidOperationID).
 */
export function toValidOperationId(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let capitalize = capitalizeFirst;
  let i = 0;
  for (const ch of s) {
    const letter = /\p{L}/u.test(ch) || ch === '_';
    if (letter || (i !== 0 && /\p{Nd}/u.test(ch))) {
      out += capitalize ? ch.toUpperCase() : ch;
      capitalize = false;
    } else {
      capitalize = true;
    }
    i++;
  }
  return out;
}

/** The group as it appears in operation IDs and tags: `core` for the core group, `.k8s.io` trimmed. */
function groupWord(group: string): string {
  return group === '' ? 'core' : group.replace(/\.k8s\.io$/, '');
}

/**
 * An operation ID as kube builds it: the verb, then the group and version, then the rest
 * (`list` + `NamespacedConfigMap` at core/v1 → `listCoreV1NamespacedConfigMap`; k8s.io/apiserver
 * pkg/endpoints/openapi GetOperationIDAndTags).
 */
export function operationId(verb: string, gv: GroupVersion, rest: string): string {
  return (
    verb +
    toValidOperationId(groupWord(gv.group), true) +
    toValidOperationId(gv.version, true) +
    toValidOperationId(rest, true)
  );
}

/** The tag of a group version's operations: `core_v1`, `wardleExampleCom_v1alpha1`. */
export function operationTag(gv: GroupVersion): string {
  return `${toValidOperationId(groupWord(gv.group), false)}_${toValidOperationId(gv.version, false)}`;
}

/**
 * The article before a kind in operation descriptions, padded with spaces: ` a `, ` an `, or a
 * lone space for a plural-looking kind (k8s.io/apiserver pkg/endpoints GetArticleForNoun).
 */
export function articleFor(noun: string): string {
  if (noun.endsWith('s') && !noun.endsWith('ss')) return ' ';
  return /^[AEIOUaeiou]/.test(noun) ? ' an ' : ' a ';
}

/** `api/v1` or `apis/<group>/<version>`: the key of a group version in the `/openapi/v3` index. */
export function groupVersionPath(gv: GroupVersion): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}
