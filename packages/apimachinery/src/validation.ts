/**
 * Validation of names, labels, annotations and object metadata with Kubernetes' rules and wording
 * (k8s.io/apimachinery pkg/util/validation, pkg/api/validation, pkg/apis/meta/v1/validation).
 * @module
 */
export * from './validation/field-path.js';
export * from './validation/names.js';
export * from './validation/object-meta.js';
