/**
 * The hooks a resource gives the generic store (as k8s.io/apiserver pkg/registry/rest
 * RESTCreateStrategy, RESTUpdateStrategy and RESTDeleteStrategy), all optional.
 * @module
 */
import type { FieldError, KubeObject, ValidateNameFunc } from '@kapi/apimachinery';
import type { UserInfo } from '../handler.js';

/** What a strategy hook knows about the request. */
export interface StrategyContext {
  namespace: string;
  user?: UserInfo;
  /** The subresource written through (`status`, `scale`), `''` for the main resource. */
  subresource: string;
}

/** How one resource is created, updated and deleted. Every hook is optional. */
export interface ResourceStrategy {
  /** The name rule (default: DNS-1123 subdomain, as most kinds). */
  validateName?: ValidateNameFunc;
  /** Clears or defaults fields a client may not set on create (status, for most kinds). */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /** Validates a new object beyond its metadata and JSON schema. */
  validate?(obj: KubeObject, ctx: StrategyContext): FieldError[];
  /** Carries over fields an update may not change (status on the main resource, for most kinds). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /** Validates an update beyond metadata and schema. */
  validateUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): FieldError[];
  /** Normalizes an object just before it is stored. */
  canonicalize?(obj: KubeObject): void;
  /** Warnings for the client on create. */
  warningsOnCreate?(obj: KubeObject, ctx: StrategyContext): string[];
  /** Warnings for the client on update. */
  warningsOnUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): string[];
  /** PUT to a missing object creates it (201). Default false. */
  allowCreateOnUpdate?: boolean;
  /** PUT without metadata.resourceVersion overwrites. Default false (422). */
  allowUnconditionalUpdate?: boolean;
  /**
   * Keeps metadata.generation: 1 on create, +1 when anything outside metadata and status changes.
   * Default true; kinds kube gives no generation (ConfigMap, Secret) turn it off.
   */
  trackGeneration?: boolean;
  /** The kind has a status subresource: the main resource ignores status, `/status` ignores the rest. */
  hasStatus?: boolean;
  /** DELETE answers with the deleted object instead of a Success Status (kube: ReturnDeletedObject). */
  returnDeletedObject?: boolean;
}
