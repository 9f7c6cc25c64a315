/**
 * The registry of protobuf messages per kind, and the codec between `k8s\0` bodies and Kapi's JSON
 * objects. protobufjs is imported on first use only.
 * @module
 */
import { badRequest, internalError, StatusError } from '../../errors.js';
import { apiVersionOf, type GroupVersionKind } from '../../gvk.js';
import type { KubeObject, Status, WatchEvent, WatchEventType } from '../../meta/types.js';
import {
  decodeMessage,
  encodeMessage,
  PlanCache,
  type CodecEnvironment,
  type MessagePlan,
} from './codec.js';
import { protobufConversions, type ProtobufConversion } from './conversions.js';
import {
  protoListFields,
  protoMessage,
  type ProtobufDescriptor,
  type ProtoMessageFields,
} from './define.js';
import {
  BUILT_IN_KINDS,
  KINDS_IN_EVERY_GROUP_VERSION,
  KUBERNETES_PROTOBUF_DESCRIPTORS,
  MESSAGE,
} from './descriptors.js';
import {
  decodeProtobufEnvelope,
  decodeProtobufWatchEvent,
  encodeProtobufEnvelope,
  encodeProtobufWatchFrame,
  type ProtobufEnvelope,
} from './envelope.js';
import { loadProtobufjs, type ProtobufjsModule } from './loader.js';

/** A kind at a version: `{apiVersion: 'v1', kind: 'ConfigMap'}` or a {@link GroupVersionKind}. */
export type ProtobufKind = { apiVersion: string; kind: string } | GroupVersionKind;

/** Options of {@link ProtobufRegistry.decode}. */
export interface ProtobufDecodeOptions {
  /**
   * The kind the endpoint serves. It fills in an envelope that names no apiVersion or kind (as Go's
   * decoder defaults them), and a body of another apiVersion or kind is a 400.
   */
  expected?: ProtobufKind;
}

/** Options of {@link ProtobufRegistry.encode}. */
export interface ProtobufEncodeOptions {
  /** The kind to encode as, instead of the object's own `apiVersion` and `kind`. */
  as?: ProtobufKind;
}

type Source = { descriptor: ProtobufDescriptor } | { proto: string };

interface Resolved {
  readonly apiVersion: string;
  readonly kind: string;
  readonly messageType: string;
  readonly raw: Uint8Array;
}

interface Compiled {
  readonly pb: ProtobufjsModule;
  readonly plans: PlanCache;
}

function kindParts(kind: ProtobufKind): { apiVersion: string; kind: string } {
  return 'apiVersion' in kind ? kind : { apiVersion: apiVersionOf(kind), kind: kind.kind };
}

function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion}\n${kind}`;
}

function goTypeMeta(apiVersion: string, kind: string): string {
  return `runtime.TypeMeta{APIVersion:${JSON.stringify(apiVersion)}, Kind:${JSON.stringify(kind)}}`;
}

function noProtobufEncoding(apiVersion: string, kind: string): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `kind ${JSON.stringify(kind)} of version ${JSON.stringify(apiVersion)} has no protobuf encoding`,
    reason: 'NotAcceptable',
    code: 406,
  });
}

/**
 * Maps kinds to protobuf messages and converts between protobuf bodies and the JSON objects the rest
 * of Kapi works with. It knows meta/v1 (ObjectMeta, ListMeta, Status, WatchEvent, the options kinds,
 * discovery documents), runtime (Unknown, RawExtension), Quantity and IntOrString; hosts add the
 * messages of their kinds:
 * ```ts
 * const registry = new ProtobufRegistry().defineKind(
 *   { apiVersion: 'v1', kind: 'ConfigMap' },
 *   'k8s.io.api.core.v1.ConfigMap',
 *   { metadata: [1, 'ObjectMeta'], immutable: [4, '*bool'],
 *     data: [2, 'map<string,string>'], binaryData: [3, 'map<string,bytes>'] },
 * );
 * const object = await registry.decode(body, { expected: { apiVersion: 'v1', kind: 'ConfigMap' } });
 * ```
 * Registration is synchronous and never loads protobufjs; the first decode or encode (or
 * {@link ProtobufRegistry.load}) imports it and compiles the descriptors.
 */
export class ProtobufRegistry {
  private readonly sources: Source[] = [{ descriptor: KUBERNETES_PROTOBUF_DESCRIPTORS }];
  private readonly kinds = new Map<string, string>();
  private readonly conversions = new Map<string, ProtobufConversion>([
    [MESSAGE.Time, protobufConversions.time],
    [MESSAGE.MicroTime, protobufConversions.microTime],
    [MESSAGE.Duration, protobufConversions.duration],
    [MESSAGE.IntOrString, protobufConversions.intOrString],
    [MESSAGE.Quantity, protobufConversions.quantity],
    [MESSAGE.RawExtension, protobufConversions.rawExtension],
    [MESSAGE.FieldsV1, protobufConversions.fieldsV1],
    [MESSAGE.Verbs, protobufConversions.stringList()],
  ]);
  private compiled: Promise<Compiled> | undefined;

  constructor() {
    for (const { apiVersion, kind, message } of BUILT_IN_KINDS) {
      this.registerKind({ apiVersion, kind }, message);
    }
  }

  /** Adds messages from a protobufjs JSON descriptor (for example one built by `protoMessages`). */
  addDescriptor(descriptor: ProtobufDescriptor): this {
    this.sources.push({ descriptor });
    this.compiled = undefined;
    return this;
  }

  /**
   * Adds messages from `.proto` text (proto2, as Kubernetes writes them). Field names are kept as
   * written; JSON names follow protobuf's `json_name` rules. Mark Go pointer fields with
   * `[(kapi.pointer) = true]` and JSON fields without omitempty with `[(kapi.omitempty) = false]`.
   * `import` lines are ignored: every message lives in this registry.
   */
  addProto(source: string): this {
    this.sources.push({ proto: source });
    this.compiled = undefined;
    return this;
  }

  /** Adds one message written with the compact field syntax of `protoMessage`. */
  defineMessage(fullName: string, fields: ProtoMessageFields): this {
    return this.addDescriptor(protoMessage(fullName, fields));
  }

  /** Adds a kind's message and registers it for the kind, in one call. */
  defineKind(kind: ProtobufKind, fullName: string, fields: ProtoMessageFields): this {
    return this.defineMessage(fullName, fields).registerKind(kind, fullName);
  }

  /** Adds and registers a list kind: `{metadata: ListMeta = 1, items: repeated itemType = 2}`. */
  defineListKind(kind: ProtobufKind, fullName: string, itemType: string): this {
    return this.defineKind(kind, fullName, protoListFields(itemType));
  }

  /** Encodes and decodes `kind` with the message `messageType` (full name). */
  registerKind(kind: ProtobufKind, messageType: string): this {
    const { apiVersion, kind: name } = kindParts(kind);
    this.kinds.set(kindKey(apiVersion, name), messageType.replace(/^\./, ''));
    return this;
  }

  /** Converts `messageType` to and from JSON with `conversion` instead of field by field. */
  addConversion(messageType: string, conversion: ProtobufConversion): this {
    this.conversions.set(messageType.replace(/^\./, ''), conversion);
    this.compiled = undefined;
    return this;
  }

  /** The message registered for a kind: its own, or meta/v1's for the kinds every group version has. */
  messageTypeFor(kind: ProtobufKind): string | undefined {
    const { apiVersion, kind: name } = kindParts(kind);
    return (
      this.kinds.get(kindKey(apiVersion, name)) ??
      (Object.hasOwn(KINDS_IN_EVERY_GROUP_VERSION, name)
        ? KINDS_IN_EVERY_GROUP_VERSION[name]
        : undefined)
    );
  }

  /** True when the kind can be encoded and decoded (a cheap check that never loads protobufjs). */
  hasKind(kind: ProtobufKind): boolean {
    return this.messageTypeFor(kind) !== undefined;
  }

  /**
   * Imports protobufjs and compiles every descriptor; rejects (500 InternalError) when a descriptor
   * is malformed or a registered kind names an unknown message. Optional: the first decode or encode
   * does the same.
   */
  async load(): Promise<void> {
    const { plans } = await this.compile();
    const missing = [...this.kinds]
      .filter(([, messageType]) => plans.get(messageType) === undefined)
      .map(([key, messageType]) => `${key.replace('\n', ' ')} → ${messageType}`);
    if (missing.length > 0) {
      throw internalError(new Error(`protobuf: unknown message types: ${missing.join(', ')}`));
    }
  }

  /**
   * Decodes a protobuf request body (`k8s\0` + Unknown) into the JSON object, with `kind` and
   * `apiVersion` from the envelope. Every malformed body is a 400 BadRequest.
   */
  async decode(body: Uint8Array, options: ProtobufDecodeOptions = {}): Promise<KubeObject> {
    const resolved = this.resolve(decodeProtobufEnvelope(body), options.expected);
    return this.decodeResolved(await this.compile(), resolved);
  }

  /** Encodes an object as a protobuf body; a kind without a registered message is a 406. */
  async encode(
    object: KubeObject | Status,
    options: ProtobufEncodeOptions = {},
  ): Promise<Uint8Array> {
    const compiled = await this.compile();
    const { apiVersion, kind } =
      options.as !== undefined
        ? kindParts(options.as)
        : { apiVersion: object.apiVersion ?? '', kind: object.kind ?? '' };
    if (apiVersion === '' || kind === '') {
      throw internalError(new Error('protobuf: the object to encode has no apiVersion or kind'));
    }
    const messageType = this.messageTypeFor({ apiVersion, kind });
    if (messageType === undefined) throw noProtobufEncoding(apiVersion, kind);
    const raw = encodeMessage(
      compiled.pb,
      this.plan(compiled, messageType),
      object,
      this.env(compiled),
    );
    return encodeProtobufEnvelope(apiVersion, kind, raw);
  }

  /** Decodes the bytes of one message (no envelope) into its JSON form. */
  async decodeMessage(messageType: string, bytes: Uint8Array): Promise<unknown> {
    const compiled = await this.compile();
    return decodeMessage(this.plan(compiled, messageType), bytes, this.env(compiled));
  }

  /** Encodes a JSON value as the bytes of one message (no envelope). */
  async encodeMessage(messageType: string, json: unknown): Promise<Uint8Array> {
    const compiled = await this.compile();
    return encodeMessage(compiled.pb, this.plan(compiled, messageType), json, this.env(compiled));
  }

  /** One frame of a protobuf watch stream (length prefix included) for a watch event. */
  async encodeWatchEvent(event: WatchEvent): Promise<Uint8Array> {
    return encodeProtobufWatchFrame(event.type, await this.encode(event.object));
  }

  /** Decodes one WatchEvent message (a frame without its length prefix) and the object inside. */
  async decodeWatchEvent(message: Uint8Array): Promise<WatchEvent> {
    const { type, object } = decodeProtobufWatchEvent(message);
    const resolved = this.resolve(decodeProtobufEnvelope(object), undefined);
    return {
      type: type as WatchEventType,
      object: this.decodeResolved(await this.compile(), resolved),
    };
  }

  private compile(): Promise<Compiled> {
    if (this.compiled === undefined) {
      const attempt = this.build();
      this.compiled = attempt;
      attempt.catch(() => {
        if (this.compiled === attempt) this.compiled = undefined;
      });
    }
    return this.compiled;
  }

  private async build(): Promise<Compiled> {
    const sources = [...this.sources];
    const conversions = new Map(this.conversions);
    const pb = await loadProtobufjs();
    try {
      const root = new pb.Root();
      for (const source of sources) {
        if ('proto' in source) pb.parse(source.proto, root, { keepCase: true });
        // addJSON, not Root.fromJSON, which resolves at once: sources may refer to later ones
        else root.addJSON(source.descriptor.nested ?? {});
      }
      root.resolveAll();
      return { pb, plans: new PlanCache(pb, root, conversions) };
    } catch (err) {
      throw internalError(new Error(`protobuf descriptors: ${(err as Error).message}`));
    }
  }

  private plan(compiled: Compiled, messageType: string): MessagePlan {
    let plan: MessagePlan | undefined;
    try {
      plan = compiled.plans.get(messageType);
    } catch (err) {
      throw internalError(new Error(`protobuf message ${messageType}: ${(err as Error).message}`));
    }
    if (plan === undefined)
      throw internalError(new Error(`protobuf: no message type ${messageType}`));
    return plan;
  }

  private env(compiled: Compiled): CodecEnvironment {
    return { decodeEnvelope: (bytes) => this.decodeWith(compiled, bytes, undefined) };
  }

  private decodeWith(
    compiled: Compiled,
    body: Uint8Array,
    expected: ProtobufKind | undefined,
  ): KubeObject {
    return this.decodeResolved(compiled, this.resolve(decodeProtobufEnvelope(body), expected));
  }

  /** Works out the kind and message of an envelope; needs no protobufjs, so bad bodies never load it. */
  private resolve(envelope: ProtobufEnvelope, expected: ProtobufKind | undefined): Resolved {
    let { apiVersion, kind } = envelope;
    const want = expected === undefined ? undefined : kindParts(expected);
    // as Go's copyKindDefaults: the endpoint's kind fills in what the envelope leaves out
    if (want !== undefined) {
      if (kind === '') kind = want.kind;
      if (apiVersion === '') apiVersion = want.apiVersion;
    }
    const typeMeta = goTypeMeta(envelope.apiVersion, envelope.kind);
    if (kind === '') throw badRequest(`Object 'Kind' is missing in '${typeMeta}'`);
    if (apiVersion === '') throw badRequest(`Object 'apiVersion' is missing in '${typeMeta}'`);
    if (want !== undefined && apiVersion !== want.apiVersion) {
      // as k8s.io/apiserver pkg/endpoints/handlers/create.go
      throw badRequest(
        `the API version in the data (${apiVersion}) does not match the expected API version (${want.apiVersion})`,
      );
    }
    if (want !== undefined && kind !== want.kind) {
      throw badRequest(
        `the kind in the data (${kind}) does not match the expected kind (${want.kind})`,
      );
    }
    const messageType = this.messageTypeFor({ apiVersion, kind });
    if (messageType === undefined) {
      throw badRequest(
        `no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in the protobuf registry`,
      );
    }
    return { apiVersion, kind, messageType, raw: envelope.raw };
  }

  private decodeResolved(compiled: Compiled, resolved: Resolved): KubeObject {
    const { apiVersion, kind, messageType, raw } = resolved;
    const decoded = decodeMessage(this.plan(compiled, messageType), raw, this.env(compiled));
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
      throw internalError(new Error(`protobuf: ${messageType} does not decode to an object`));
    }
    return { kind, apiVersion, ...(decoded as Record<string, unknown>) };
  }
}
