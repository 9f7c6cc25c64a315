/**
 * The plain data a host registers its API types with, and the facts the scheme answers with.
 * @module
 */
import type { KubeObject } from '../meta/types.js';

/**
 * The version name of a hub that is never served, as kube's `runtime.APIVersionInternal`. Use it
 * as {@link GroupDefinition.hubVersion} when the hub form is internal only.
 */
export const INTERNAL_VERSION = '__internal';

/**
 * A JSON schema (draft-07, or an OpenAPI v3 structural schema as a CRD's `openAPIV3Schema`) as
 * plain data. OpenAPI's boolean `exclusiveMinimum`/`exclusiveMaximum`, `nullable` and
 * `x-kubernetes-int-or-string` are understood; other `x-kubernetes-*` extensions are ignored by
 * validation and kept for OpenAPI.
 */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * Fills unset fields of an object in place. It gets a private copy, so it may mutate freely.
 */
export type Defaulter = (obj: KubeObject) => void;

/**
 * Converts an object between a version and the group's hub. It gets a private copy, so it may
 * mutate and return its argument. The scheme sets `apiVersion` and `kind` on the result.
 *
 * Conversion must be lossless: `fromHub(toHub(x))` must deep-equal `x`, and `toHub(fromHub(h))`
 * must deep-equal `h`. A field that the other side has no place for must not be dropped: stash it
 * (e.g. with {@link stashInAnnotation}, as kube keeps fields of newer versions in annotations of
 * older ones) and restore it on the way back (with {@link restoreFromAnnotation}), so that clients
 * of every version can read-modify-write an object without erasing what they cannot see.
 */
export type Converter = (obj: KubeObject) => KubeObject;

/** What a kind is at one version. */
export interface KindVersionDefinition {
  /** The schema objects of this kind at this version must satisfy; none means no schema validation. */
  schema?: JsonSchema;
  /** Defaulting at this version (kube defaults at the version an object arrived in). */
  default?: Defaulter;
  /**
   * From this version to the hub. Give both `toHub` and `fromHub`, or neither for the identity
   * (as a CRD's `strategy: None`); the hub version itself takes neither. See {@link Converter}
   * for the losslessness rule.
   */
  toHub?: Converter;
  /** From the hub to this version; see {@link KindVersionDefinition.toHub}. */
  fromHub?: Converter;
}

/** One kind of a group, and the resource that serves it. */
export interface KindDefinition {
  /** CamelCase kind, e.g. `Flunder`. */
  kind: string;
  /** The resource name: plural, lower case, e.g. `flunders`. */
  plural: string;
  /** Singular, lower case; defaults to the kind in lower case, as kube's discovery does. */
  singular?: string;
  /** Short names kubectl accepts, e.g. `['fl']`. */
  shortNames?: readonly string[];
  /** Categories the resource belongs to, e.g. `['all']`. */
  categories?: readonly string[];
  /** Namespaced (true) or cluster-scoped (false). */
  namespaced: boolean;
  /** The kind of a list of these; defaults to `<kind>List`. */
  listKind?: string;
  /** The versions the kind exists in, each one of the group's declared versions. */
  versions: Readonly<Record<string, KindVersionDefinition>>;
}

/** A version of a group, with an optional explicit priority. */
export interface VersionDefinition {
  version: string;
  /**
   * Higher is preferred. Versions with a priority come before those without (which keep their
   * registration order); equal priorities fall back to kube's version ordering.
   */
  priority?: number;
}

/** A group with its versions and kinds, as a host registers it. */
export interface GroupDefinition {
  /** The group name; `''` is the core (legacy) group. */
  group: string;
  /** The served versions, most preferred first unless priorities say otherwise. */
  versions: readonly (string | VersionDefinition)[];
  /**
   * The version every conversion goes through: one of `versions`, or {@link INTERNAL_VERSION} for a
   * hub that is not served. Defaults to the preferred version.
   */
  hubVersion?: string;
  kinds: readonly KindDefinition[];
}

/** The resource facts of one kind at one version: what kube's RESTMapping and discovery tell. */
export interface ResourceMapping {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource (plural) name. */
  readonly resource: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly namespaced: boolean;
  readonly listKind: string;
}

/** A resource named the way a user may name it; group and version narrow the search when given. */
export interface PartialResource {
  /** Plural, singular or short name, in any case. */
  resource: string;
  /** Exact group (`''` is the core group); undefined searches every group. */
  group?: string;
  /** Exact version; undefined searches every version. */
  version?: string;
}

/** A kind, possibly without group or version. */
export interface PartialKind {
  kind: string;
  /** Exact group (`''` is the core group); undefined searches every group. */
  group?: string;
  /** Exact version; undefined searches every version. */
  version?: string;
}
