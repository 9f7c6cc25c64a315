/**
 * The generic registry store: Kubernetes' object life cycle over any @kapi/storage backend
 * (as k8s.io/apiserver pkg/registry/generic/registry/store.go): create with generateName, uid and
 * timestamps; conditional update with generation tracking; deletion with preconditions and
 * finalizers; dry run for every write.
 * @module
 */
import { randomInt, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  deepCopyJson,
  alreadyExists,
  badRequest,
  conflict,
  fieldError,
  GoPrinted,
  invalid,
  isAlreadyExists,
  nameIsDNSSubdomain,
  notFound,
  successStatus,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '@kapi/apimachinery';
import type {
  FieldError,
  KubeObject,
  ObjectMeta,
  Preconditions,
  ResourceVersionMatch,
  Status,
} from '@kapi/apimachinery';
import { interpretStorageError, StorageError } from '@kapi/storage';
import type { GetOptions, ListResult, Predicate, Storage, Watcher } from '@kapi/storage';
import type { ResourceStrategy, StrategyContext } from './strategy.js';

/** The admission stages a write passes through (the admission chain plugs in here). */
export interface AdmissionHooks {
  /** Mutating admission: may change the object; runs before the strategy. */
  mutate?: (obj: KubeObject, old: KubeObject | undefined) => KubeObject | Promise<KubeObject>;
  /** Validating admission: throws to reject; runs after the strategy's validation. */
  validate?: (obj: KubeObject, old: KubeObject | undefined) => void | Promise<void>;
}

/** Options every write takes. */
export interface WriteOptions extends AdmissionHooks {
  /** Run everything but persist nothing (`dryRun=All`). */
  dryRun?: boolean;
  /** The request's context for strategy hooks. */
  context: StrategyContext;
  /** Extra validation run with the strategy's (e.g. the JSON schema), as field errors. */
  schemaValidate?: (obj: KubeObject) => FieldError[];
  /** Receives the strategy's warnings. */
  warn?: (message: string) => void;
  /** Maintains metadata.managedFields for the write (old is undefined on create). */
  trackManagedFields?: (obj: KubeObject, old: KubeObject | undefined) => void;
}

/** Options of {@link RegistryStore.delete}. */
export interface StoreDeleteOptions extends WriteOptions {
  preconditions?: Preconditions;
}

/** Options of {@link RegistryStore.list} and {@link RegistryStore.watch}. */
export interface StoreListOptions {
  predicate?: Predicate;
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
  limit?: number;
  continue?: string;
  /** Narrow to one object (fieldSelector `metadata.name=<name>`). */
  name?: string;
  allowBookmarks?: boolean;
  sendInitialEvents?: boolean;
  signal?: AbortSignal;
  /** The caller only reads the items: the storage may answer with deep-frozen ones it keeps. */
  shared?: boolean;
}

/** What the store needs to know about its resource. */
export interface RegistryStoreOptions {
  storage: Storage;
  group: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  strategy?: ResourceStrategy;
  /** The storage key under which objects live (default `/<group>/<resource>`, `/<resource>` for the core group). */
  keyRoot?: string;
}

// as kube's utilrand.String: consonants and digits that never spell words
const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const generateNameAttempts = 8;

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++)
    s += generateNameAlphabet.charAt(randomInt(generateNameAlphabet.length));
  return s;
}

/** Now as metav1.Time: RFC 3339 in UTC to the second. */
export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function clone<T>(value: T): T {
  return deepCopyJson(value);
}

function metaOf(obj: KubeObject): ObjectMeta {
  obj.metadata ??= {};
  return obj.metadata;
}

/** The ObjectMeta fields Go omits when empty (`omitempty` maps and lists). */
const omitEmptyMeta = [
  'labels',
  'annotations',
  'finalizers',
  'ownerReferences',
  'managedFields',
] as const;

/** Drops empty metadata maps and lists, as kube's typed objects do when they are encoded. */
function normalizeMeta(obj: KubeObject): void {
  const meta = obj.metadata;
  if (meta === undefined) return;
  for (const field of omitEmptyMeta) {
    const value = meta[field];
    if (value === undefined) continue;
    if (
      value === null ||
      (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0)
    ) {
      Reflect.deleteProperty(meta, field);
    }
  }
}

/** Everything but metadata and status: what a generation counts changes of. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

/** The generic registry store of one resource. */
export class RegistryStore {
  readonly group: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly storage: Storage;
  private readonly strategy: ResourceStrategy;
  private readonly keyRoot: string;

  constructor(options: RegistryStoreOptions) {
    this.group = options.group;
    this.resource = options.resource;
    this.kind = options.kind;
    this.namespaced = options.namespaced;
    this.storage = options.storage;
    this.strategy = options.strategy ?? {};
    this.keyRoot =
      options.keyRoot ??
      (options.group === '' ? `/${options.resource}` : `/${options.group}/${options.resource}`);
  }

  private get groupResource() {
    return { group: this.group, resource: this.resource };
  }

  private get groupKind() {
    return { group: this.group, kind: this.kind };
  }

  /** The storage key of one object. */
  key(namespace: string, name: string): string {
    return this.namespaced ? `${this.keyRoot}/${namespace}/${name}` : `${this.keyRoot}/${name}`;
  }

  /** The storage prefix of a collection: one namespace, or all of them. */
  prefix(namespace: string): string {
    return this.namespaced && namespace !== ''
      ? `${this.keyRoot}/${namespace}/`
      : `${this.keyRoot}/`;
  }

  private interpret(err: unknown, name: string): unknown {
    return interpretStorageError(err, this.groupResource, name);
  }

  /**
   * Reads one object. With `shared`, the caller promises not to modify it, and the storage may
   * answer with a deep-frozen object it keeps (see `GetOptions.shared` of `@kapi/storage`).
   */
  async get(
    namespace: string,
    name: string,
    resourceVersion?: string,
    options: { shared?: boolean } = {},
  ): Promise<KubeObject> {
    const getOptions: GetOptions = {};
    if (resourceVersion !== undefined) getOptions.resourceVersion = resourceVersion;
    if (options.shared === true) getOptions.shared = true;
    try {
      return await this.storage.get(this.key(namespace, name), getOptions);
    } catch (err) {
      throw this.interpret(err, name);
    }
  }

  /** Lists a namespace (or every namespace with `''`), or the one object `options.name` names. */
  async list(namespace: string, options: StoreListOptions = {}): Promise<ListResult> {
    const single = options.name !== undefined && options.name !== '';
    try {
      return await this.storage.list(
        single ? this.key(namespace, options.name!) : this.prefix(namespace),
        {
          recursive: !single,
          ...pick(options, [
            'predicate',
            'resourceVersion',
            'resourceVersionMatch',
            'limit',
            'shared',
            'continue',
            'signal',
          ]),
        },
      );
    } catch (err) {
      throw this.interpret(err, '');
    }
  }

  /** Watches a namespace (or everything), or one object. */
  watch(namespace: string, options: StoreListOptions = {}): Watcher {
    const single = options.name !== undefined && options.name !== '';
    return this.storage.watch(
      single ? this.key(namespace, options.name!) : this.prefix(namespace),
      {
        recursive: !single,
        ...pick(options, [
          'predicate',
          'resourceVersion',
          'allowBookmarks',
          'sendInitialEvents',
          'signal',
        ]),
      },
    );
  }

  private checkNamespace(obj: KubeObject, namespace: string): void {
    const meta = metaOf(obj);
    if (!this.namespaced) {
      delete meta.namespace;
      return;
    }
    if (meta.namespace === undefined || meta.namespace === '') meta.namespace = namespace;
    else if (meta.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }

  private validateCreate(obj: KubeObject, options: WriteOptions): void {
    const errs = [
      ...validateObjectMeta(metaOf(obj), {
        namespaced: this.namespaced,
        validateName: this.strategy.validateName ?? nameIsDNSSubdomain,
      }),
      ...(options.schemaValidate?.(obj) ?? []),
      ...(this.strategy.validate?.(obj, options.context) ?? []),
    ];
    if (errs.length > 0) throw invalid(this.groupKind, obj.metadata?.name ?? '', errs);
  }

  /** Prepares a new object as kube's rest.BeforeCreate does, without a name when generateName is to fill it. */
  private async prepareCreate(input: KubeObject, options: WriteOptions): Promise<KubeObject> {
    let obj = clone(input);
    this.checkNamespace(obj, options.context.namespace);
    if (options.mutate) {
      obj = clone(await options.mutate(obj, undefined));
      this.checkNamespace(obj, options.context.namespace);
    }
    const meta = metaOf(obj);
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    delete meta.selfLink;
    this.strategy.prepareForCreate?.(obj, options.context);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    if (this.strategy.trackGeneration ?? true) meta.generation = 1;
    else delete meta.generation;
    options.trackManagedFields?.(obj, undefined);
    return obj;
  }

  private async finishCreate(obj: KubeObject, options: WriteOptions): Promise<KubeObject> {
    this.validateCreate(obj, options);
    for (const w of this.strategy.warningsOnCreate?.(obj, options.context) ?? []) options.warn?.(w);
    await options.validate?.(obj, undefined);
    this.strategy.canonicalize?.(obj);
    normalizeMeta(obj);
    return obj;
  }

  /** Creates an object (kube: Store.Create). Resolves with the stored object. */
  async create(input: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const prepared = await this.prepareCreate(input, options);
    const generateName = prepared.metadata?.generateName ?? '';
    const generate = (prepared.metadata?.name ?? '') === '' && generateName !== '';
    for (let attempt = 1; ; attempt++) {
      const obj = clone(prepared);
      if (generate) metaOf(obj).name = generateName + randomSuffix();
      await this.finishCreate(obj, options);
      const name = obj.metadata!.name!;
      const key = this.key(obj.metadata?.namespace ?? '', name);
      try {
        if (options.dryRun === true) {
          const existing = await this.storage.get(key, { ignoreNotFound: true });
          if (existing !== null) throw alreadyExists(this.groupResource, name);
          return obj;
        }
        return await this.storage.create(key, obj);
      } catch (err) {
        const mapped = this.interpret(err, name);
        // as kube: a generated name that collides is retried with another suffix
        if (generate && isAlreadyExists(mapped) && attempt < generateNameAttempts) continue;
        throw mapped;
      }
    }
  }

  /**
   * Updates an object (kube: Store.Update): `computeUpdate` gets the current object and returns the
   * new one (a PUT body, or a patch applied to the current object). Resolves with the stored object
   * and whether it was created.
   */
  async update(
    name: string,
    computeUpdate: (current: KubeObject | undefined) => KubeObject | Promise<KubeObject>,
    options: WriteOptions & { preconditions?: Preconditions },
  ): Promise<{ object: KubeObject; created: boolean }> {
    const namespace = options.context.namespace;
    const key = this.key(namespace, name);
    let created = false;
    let deleteAfter = false;
    const tryUpdate = async (current: KubeObject | undefined): Promise<KubeObject> => {
      created = false;
      deleteAfter = false;
      const proposed = clone(
        await computeUpdate(current === undefined ? undefined : clone(current)),
      );
      const meta = metaOf(proposed);
      if (current === undefined) {
        if (!(this.strategy.allowCreateOnUpdate ?? false)) throw notFound(this.groupResource, name);
        if ((meta.resourceVersion ?? '') !== '') {
          // as kube: an update that names a version of an object that does not exist conflicts
          throw conflict(this.groupResource, name, 'the object has been deleted or does not exist');
        }
        created = true;
        const obj = await this.prepareCreate(proposed, options);
        metaOf(obj).name = name;
        return this.finishCreate(obj, options);
      }
      this.checkPreconditions(current, options.preconditions, name);
      const currentRV = current.metadata?.resourceVersion ?? '';
      const proposedRV = meta.resourceVersion ?? '';
      if (proposedRV === '') {
        if (!(this.strategy.allowUnconditionalUpdate ?? false)) {
          throw invalid(this.groupKind, name, [
            fieldError.invalid(
              'metadata.resourceVersion',
              new GoPrinted('0x0'),
              'must be specified for an update',
            ),
          ]);
        }
        meta.resourceVersion = currentRV;
      } else if (proposedRV !== currentRV) {
        throw conflict(this.groupResource, name);
      }
      this.checkNamespace(proposed, namespace);
      let obj = proposed;
      if (options.mutate) {
        obj = clone(await options.mutate(obj, current));
        this.checkNamespace(obj, namespace);
      }
      obj = this.beforeUpdate(obj, current, options);
      const errs = [
        ...validateObjectMetaUpdate(metaOf(obj), current.metadata ?? {}),
        ...(options.schemaValidate?.(obj) ?? []),
        ...(this.strategy.validateUpdate?.(obj, current, options.context) ?? []),
      ];
      if (errs.length > 0) throw invalid(this.groupKind, name, errs);
      for (const w of this.strategy.warningsOnUpdate?.(obj, current, options.context) ?? [])
        options.warn?.(w);
      await options.validate?.(obj, current);
      this.strategy.canonicalize?.(obj);
      normalizeMeta(obj);
      const finalizers = obj.metadata?.finalizers ?? [];
      deleteAfter = (obj.metadata?.deletionTimestamp ?? null) !== null && finalizers.length === 0;
      return obj;
    };

    let object: KubeObject;
    try {
      if (options.dryRun === true) {
        const current = await this.storage.get(key, { ignoreNotFound: true });
        object = await tryUpdate(current ?? undefined);
      } else {
        object = await this.storage.guaranteedUpdate(key, tryUpdate, { ignoreNotFound: true });
      }
    } catch (err) {
      throw this.interpret(err, name);
    }
    if (deleteAfter && options.dryRun !== true) {
      // as kube: the last finalizer removed from an object being deleted completes the deletion
      try {
        object = await this.storage.delete(key, {
          preconditions: { resourceVersion: object.metadata?.resourceVersion ?? '' },
        });
      } catch (err) {
        if (!(err instanceof StorageError && err.code === 'KeyNotFound'))
          throw this.interpret(err, name);
      }
    }
    return { object, created };
  }

  /** kube's rest.BeforeUpdate: what no update may change, then the strategy's preparation. */
  private beforeUpdate(input: KubeObject, old: KubeObject, options: WriteOptions): KubeObject {
    let obj = input;
    const meta = metaOf(obj);
    const oldMeta = old.metadata ?? {};
    if (this.strategy.hasStatus === true) {
      if (options.context.subresource === 'status') {
        // the status subresource changes status only (kube: ResetObjectMetaForStatus)
        const status = obj.status;
        const rv = meta.resourceVersion;
        const managedFields = meta.managedFields;
        obj = clone(old);
        if (status === undefined) delete obj.status;
        else obj.status = status;
        const resetMeta: ObjectMeta = clone(oldMeta);
        if (rv !== undefined) resetMeta.resourceVersion = rv;
        if (managedFields !== undefined) resetMeta.managedFields = managedFields;
        obj.metadata = resetMeta;
      } else if (options.context.subresource === '') {
        if (old.status === undefined) delete obj.status;
        else obj.status = clone(old.status);
      }
    }
    const fresh = metaOf(obj);
    this.strategy.prepareForUpdate?.(obj, old, options.context);
    if ((fresh.uid ?? '') === '' && oldMeta.uid !== undefined) fresh.uid = oldMeta.uid;
    if (oldMeta.creationTimestamp) fresh.creationTimestamp = oldMeta.creationTimestamp;
    if (oldMeta.deletionTimestamp) fresh.deletionTimestamp = oldMeta.deletionTimestamp;
    if (
      oldMeta.deletionGracePeriodSeconds !== undefined &&
      fresh.deletionGracePeriodSeconds === undefined
    ) {
      fresh.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    }
    if (this.strategy.trackGeneration ?? true) {
      const oldGeneration = oldMeta.generation ?? 0;
      fresh.generation = isDeepStrictEqual(specOf(obj), specOf(old))
        ? oldGeneration
        : oldGeneration + 1;
    } else if (oldMeta.generation === undefined) {
      delete fresh.generation;
    } else {
      fresh.generation = oldMeta.generation;
    }
    options.trackManagedFields?.(obj, old);
    return obj;
  }

  private checkPreconditions(
    current: KubeObject,
    preconditions: Preconditions | undefined,
    name: string,
  ): void {
    if (preconditions === undefined) return;
    const uid = current.metadata?.uid ?? '';
    const rv = current.metadata?.resourceVersion ?? '';
    if (preconditions.uid !== undefined && preconditions.uid !== uid) {
      throw conflict(
        this.groupResource,
        name,
        `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${uid}`,
      );
    }
    if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== rv) {
      throw conflict(
        this.groupResource,
        name,
        `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${rv}`,
      );
    }
  }

  /**
   * Deletes an object (kube: Store.Delete). With finalizers present the object stays, marked with
   * a deletionTimestamp, until they are removed. Resolves with what DELETE answers (the object, or a
   * Success Status) and whether it is gone.
   */
  async delete(
    name: string,
    options: StoreDeleteOptions,
  ): Promise<{ result: KubeObject | Status; deleted: boolean }> {
    const namespace = options.context.namespace;
    const key = this.key(namespace, name);
    let current: KubeObject;
    try {
      current = await this.storage.get(key);
    } catch (err) {
      throw this.interpret(err, name);
    }
    this.checkPreconditions(current, options.preconditions, name);
    const finalizers = current.metadata?.finalizers ?? [];
    if (finalizers.length > 0) {
      // as kube's Store.Delete: validating admission sees the delete before anything is marked
      await options.validate?.(current, current);
      if (current.metadata?.deletionTimestamp) return { result: current, deleted: false };
      // the deletion timestamp is the server's own change: written directly, outside update validation
      const mark = (latest: KubeObject | undefined): KubeObject => {
        if (latest === undefined) throw notFound(this.groupResource, name);
        this.checkPreconditions(latest, options.preconditions, name);
        if (latest.metadata?.deletionTimestamp) return latest;
        const marked = clone(latest);
        const meta = metaOf(marked);
        meta.deletionTimestamp = nowTimestamp();
        meta.deletionGracePeriodSeconds = 0;
        return marked;
      };
      try {
        const object =
          options.dryRun === true ? mark(current) : await this.storage.guaranteedUpdate(key, mark);
        return { result: object, deleted: false };
      } catch (err) {
        throw this.interpret(err, name);
      }
    }
    let deletedObject: KubeObject;
    try {
      if (options.dryRun === true) {
        deletedObject = current;
      } else {
        const validate = options.validate;
        deletedObject = await this.storage.delete(key, {
          ...(options.preconditions ? { preconditions: options.preconditions } : {}),
          cachedExisting: current,
          ...(validate
            ? { validateDeletion: async (latest: KubeObject) => validate(latest, latest) }
            : {}),
        });
      }
    } catch (err) {
      throw this.interpret(err, name);
    }
    if (this.strategy.returnDeletedObject === true) return { result: deletedObject, deleted: true };
    const details: NonNullable<Status['details']> = { name };
    if (this.group !== '') details.group = this.group;
    details.kind = this.resource;
    if (deletedObject.metadata?.uid !== undefined) details.uid = deletedObject.metadata.uid;
    return { result: successStatus(details), deleted: true };
  }

  /** Deletes every object a list selects (kube: Store.DeleteCollection); resolves with the deleted objects. */
  async deleteCollection(
    listOptions: StoreListOptions,
    options: StoreDeleteOptions,
  ): Promise<KubeObject[]> {
    const { items } = await this.list(options.context.namespace, { ...listOptions, limit: 0 });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      const name = item.metadata?.name ?? '';
      try {
        const { result } = await this.delete(name, {
          ...options,
          context: { ...options.context, namespace: item.metadata?.namespace ?? '' },
        });
        deleted.push(result.kind === 'Status' ? item : (result as KubeObject));
      } catch (err) {
        // as kube: an object deleted meanwhile is not an error
        if (!(
          err instanceof Error &&
          'status' in err &&
          (err as { status: Status }).status.code === 404
        ))
          throw err;
      }
    }
    return deleted;
  }
}

function pick<T extends object, K extends keyof T>(
  obj: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
