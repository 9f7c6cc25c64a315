// The sample API the scheme tests register: wardle.example.com with three versions whose fields
// differ, hub v1.
//
//   v1 (hub)   spec.reference  spec.replicas  spec.color
//   v1beta1    spec.ref        spec.replicas  (color stashed)   spec.tier (only here)
//   v1alpha1   spec.reference  spec.size      (color stashed)   spec.legacyNote (only here)
import {
  restoreFromAnnotation,
  stashInAnnotation,
  type GroupDefinition,
  type KubeObject,
} from '../src/index.js';

export const WARDLE = 'wardle.example.com';
export const COLOR_ANNOTATION = `${WARDLE}/color`;
export const TIER_ANNOTATION = `${WARDLE}/v1beta1-tier`;
export const LEGACY_NOTE_ANNOTATION = `${WARDLE}/v1alpha1-legacy-note`;

type Spec = Record<string, unknown>;

function specOf(obj: KubeObject): Spec | undefined {
  const spec = obj.spec;
  return typeof spec === 'object' && spec !== null ? (spec as Spec) : undefined;
}

/** Renames `from` to `to` in a spec, leaving an absent field absent. */
function rename(spec: Spec, from: string, to: string): Spec {
  const { [from]: value, ...rest } = spec;
  return value === undefined ? rest : { ...rest, [to]: value };
}

/** Moves `field` of the spec into an annotation. */
function stashField(obj: KubeObject, field: string, annotation: string): void {
  const spec = specOf(obj);
  if (spec === undefined) return;
  const { [field]: value, ...rest } = spec;
  obj.spec = rest;
  stashInAnnotation(obj, annotation, value);
}

/** Moves an annotation back into `field` of the spec. */
function restoreField(obj: KubeObject, field: string, annotation: string): void {
  const value = restoreFromAnnotation(obj, annotation);
  if (value === undefined) return;
  obj.spec = { ...specOf(obj), [field]: value };
}

function mapSpec(obj: KubeObject, fn: (spec: Spec) => Spec): KubeObject {
  const spec = specOf(obj);
  if (spec !== undefined) obj.spec = fn(spec);
  return obj;
}

const defaultReplicas = (field: string) => (obj: KubeObject) => {
  const spec = specOf(obj) ?? {};
  if (spec[field] === undefined) spec[field] = 1;
  obj.spec = spec;
};

export function wardleGroup(): GroupDefinition {
  return {
    group: WARDLE,
    versions: ['v1', 'v1beta1', 'v1alpha1'],
    hubVersion: 'v1',
    kinds: [
      {
        kind: 'Flunder',
        plural: 'flunders',
        shortNames: ['fl'],
        categories: ['all', 'wardle'],
        namespaced: true,
        versions: {
          v1: { default: defaultReplicas('replicas') },
          v1beta1: {
            default: defaultReplicas('replicas'),
            toHub: (obj) => {
              stashField(obj, 'tier', TIER_ANNOTATION);
              mapSpec(obj, (s) => rename(s, 'ref', 'reference'));
              restoreField(obj, 'color', COLOR_ANNOTATION);
              return obj;
            },
            fromHub: (obj) => {
              stashField(obj, 'color', COLOR_ANNOTATION);
              mapSpec(obj, (s) => rename(s, 'reference', 'ref'));
              restoreField(obj, 'tier', TIER_ANNOTATION);
              return obj;
            },
          },
          v1alpha1: {
            default: defaultReplicas('size'),
            toHub: (obj) => {
              stashField(obj, 'legacyNote', LEGACY_NOTE_ANNOTATION);
              mapSpec(obj, (s) => rename(s, 'size', 'replicas'));
              restoreField(obj, 'color', COLOR_ANNOTATION);
              return obj;
            },
            fromHub: (obj) => {
              stashField(obj, 'color', COLOR_ANNOTATION);
              mapSpec(obj, (s) => rename(s, 'replicas', 'size'));
              restoreField(obj, 'legacyNote', LEGACY_NOTE_ANNOTATION);
              return obj;
            },
          },
        },
      },
      {
        kind: 'Fischer',
        plural: 'fischers',
        categories: ['wardle'],
        namespaced: false,
        versions: { v1: {}, v1beta1: {} },
      },
    ],
  };
}
