/**
 * Selection predicates: a label selector and a field selector applied to objects, as list and
 * watch filter them (k8s.io/apiserver pkg/storage/selection_predicate.go). A predicate fits the
 * storage layer's `Predicate` interface.
 * @module
 */
import {
  defaultFieldLabelConversion,
  fieldsEverything,
  parseFieldSelector,
  type FieldTransform,
  type ParsedFieldSelector,
} from './fields.js';
import { labelsEverything, parseLabelSelector, type ParsedLabelSelector } from './labels.js';
import type { KubeObject } from './meta/types.js';

/** What a predicate matches against: an object's labels and its selectable fields. */
export interface SelectionAttrs {
  labels: Readonly<Record<string, string>> | undefined;
  fields: Readonly<Record<string, string>>;
}

/** Extracts the labels and selectable fields of an object (kube's `storage.AttrFunc`). */
export type AttrsFunc = (obj: KubeObject) => SelectionAttrs;

/** Labels plus `metadata.name` (`storage.DefaultClusterScopedAttr`). */
export const defaultClusterScopedAttrs: AttrsFunc = (obj) => ({
  labels: obj.metadata?.labels,
  fields: { 'metadata.name': obj.metadata?.name ?? '' },
});

/** Labels plus `metadata.name` and `metadata.namespace` (`storage.DefaultNamespaceScopedAttr`). */
export const defaultNamespaceScopedAttrs: AttrsFunc = (obj) => ({
  labels: obj.metadata?.labels,
  fields: {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
  },
});

/** A label and a field selector applied together; assignable to the storage `Predicate`. */
export interface SelectionPredicate {
  readonly label: ParsedLabelSelector;
  readonly field: ParsedFieldSelector;
  readonly getAttrs: AttrsFunc;
  /** True when neither selector restricts anything, so no filtering is needed. */
  readonly empty: boolean;
  /** True when the object's labels and fields both match; attrs are not read for an empty predicate. */
  matches(obj: KubeObject): boolean;
  /** The same test against already extracted labels and fields. */
  matchesObjectAttributes(
    labels: Readonly<Record<string, string>> | undefined,
    fields: Readonly<Record<string, string>>,
  ): boolean;
  /** The name the field selector pins with `metadata.name=<name>`, if any (a single-object get/watch). */
  matchesSingle(): string | undefined;
  /** The namespace the field selector pins with `metadata.namespace=<ns>`, if any. */
  matchesSingleNamespace(): string | undefined;
}

/** Options of {@link selectionPredicate}. */
export interface SelectionPredicateOptions {
  /** Absent: every label set matches. */
  labelSelector?: ParsedLabelSelector;
  /** Absent: every field set matches. */
  fieldSelector?: ParsedFieldSelector;
  /** The resource's own attrs (e.g. adding `involvedObject.name`); overrides `namespaceScoped`. */
  getAttrs?: AttrsFunc;
  /** Picks the default attrs: with `metadata.namespace` (true, the default) or without. */
  namespaceScoped?: boolean;
}

class Predicate implements SelectionPredicate {
  constructor(
    readonly label: ParsedLabelSelector,
    readonly field: ParsedFieldSelector,
    readonly getAttrs: AttrsFunc,
  ) {}

  get empty(): boolean {
    return this.label.empty && this.field.empty;
  }

  matches(obj: KubeObject): boolean {
    if (this.empty) return true;
    const { labels, fields } = this.getAttrs(obj);
    return this.label.matches(labels) && this.field.matches(fields);
  }

  matchesObjectAttributes(
    labels: Readonly<Record<string, string>> | undefined,
    fields: Readonly<Record<string, string>>,
  ): boolean {
    if (this.empty) return true;
    return this.label.matches(labels) && this.field.matches(fields);
  }

  matchesSingle(): string | undefined {
    return this.field.requiresExactMatch('metadata.name');
  }

  matchesSingleNamespace(): string | undefined {
    return this.field.requiresExactMatch('metadata.namespace');
  }
}

/** Builds a predicate from parsed selectors (kube's `storage.SelectionPredicate`). */
export function selectionPredicate(options: SelectionPredicateOptions = {}): SelectionPredicate {
  const defaultAttrs =
    options.namespaceScoped === false ? defaultClusterScopedAttrs : defaultNamespaceScopedAttrs;
  return new Predicate(
    options.labelSelector ?? labelsEverything(),
    options.fieldSelector ?? fieldsEverything(),
    options.getAttrs ?? defaultAttrs,
  );
}

/** The raw selector query parameters of a list or watch request. */
export interface SelectorQuery {
  /** `?labelSelector=`; absent, null or empty selects everything. */
  labelSelector?: string | null | undefined;
  /** `?fieldSelector=`; absent, null or empty selects everything. */
  fieldSelector?: string | null | undefined;
}

/** Options of {@link parseSelectionPredicate}. */
export interface ParseSelectionOptions extends Omit<
  SelectionPredicateOptions,
  'labelSelector' | 'fieldSelector'
> {
  /**
   * Validates (and may rename) each selected field, like a resource's field-label conversion;
   * default: only `metadata.name` and `metadata.namespace` ({@link defaultFieldLabelConversion}).
   * Build one with `supportedFieldLabels([...])`.
   */
  fieldLabelConversion?: FieldTransform;
}

/**
 * Parses the `labelSelector` and `fieldSelector` query parameters into a predicate in one call,
 * in kube-apiserver's order: the label selector, then the field selector, then the field-label
 * conversion (k8s.io/apiserver pkg/endpoints/handlers/get.go ListResource).
 * @throws StatusError 400 BadRequest with kube-apiserver's message for the first bad selector.
 */
export function parseSelectionPredicate(
  query: SelectorQuery,
  options: ParseSelectionOptions = {},
): SelectionPredicate {
  const labelSelector = parseLabelSelector(query.labelSelector ?? '');
  const fieldSelector = parseFieldSelector(query.fieldSelector ?? '').transform(
    options.fieldLabelConversion ?? defaultFieldLabelConversion,
  );
  const predicateOptions: SelectionPredicateOptions = { labelSelector, fieldSelector };
  if (options.getAttrs !== undefined) predicateOptions.getAttrs = options.getAttrs;
  if (options.namespaceScoped !== undefined)
    predicateOptions.namespaceScoped = options.namespaceScoped;
  return selectionPredicate(predicateOptions);
}
