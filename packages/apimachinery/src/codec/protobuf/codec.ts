/**
 * The generic codec between a protobuf message and the Kubernetes JSON shape, driven by the message
 * descriptors: field numbers, declared types, Go pointer-ness and JSON `omitempty`.
 *
 * Decoding follows what Go's JSON encoding of the decoded Go struct would print:
 * - value scalars: absent and zero are alike; the zero value is dropped when `omitempty`;
 * - pointer scalars: present iff on the wire, even when zero;
 * - messages: present iff on the wire (Go writes every value-typed message, so a Go peer's bytes
 *   decode to exactly Go's JSON), converted by the message's conversion if it has one;
 * - repeated fields and maps: empty is dropped when `omitempty`, `[]`/`{}` otherwise.
 *
 * Encoding writes what Go's marshaller writes: fields in number order, value scalars always, pointer
 * scalars iff set, map entries sorted by key with both key and value.
 *
 * 64-bit integers become JSON numbers, exact up to 2^53 (as `JSON.parse` of Go's output would be).
 * Strings with invalid UTF-8 decode with U+FFFD, as Go's JSON encoder prints them.
 * @module
 */
import { badRequest, internalError } from '../../errors.js';
import type { KubeObject } from '../../meta/types.js';
import type * as Protobufjs from 'protobufjs';
import type { ProtobufConversion, ProtobufConversionContext, ProtoFields } from './conversions.js';
import { PROTOBUF_OMITEMPTY_OPTION, PROTOBUF_POINTER_OPTION } from './define.js';
import type { ProtobufjsModule } from './loader.js';
import {
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
  WireFormatError,
  WireReader,
  utf8,
} from './wire.js';

/** The protobuf scalar types (enums are read and written as int32). */
export type ScalarType =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes';

const WIRE_TYPE: Readonly<Record<ScalarType, number>> = {
  double: WIRE_I64,
  float: WIRE_I32,
  int32: WIRE_VARINT,
  int64: WIRE_VARINT,
  uint32: WIRE_VARINT,
  uint64: WIRE_VARINT,
  sint32: WIRE_VARINT,
  sint64: WIRE_VARINT,
  fixed32: WIRE_I32,
  fixed64: WIRE_I64,
  sfixed32: WIRE_I32,
  sfixed64: WIRE_I64,
  bool: WIRE_VARINT,
  string: WIRE_LEN,
  bytes: WIRE_LEN,
};

const LONG_SCALARS = new Set<ScalarType>(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** One field of a {@link MessagePlan}. */
export interface FieldPlan {
  readonly name: string;
  readonly jsonName: string;
  readonly id: number;
  readonly label: 'single' | 'repeated' | 'map';
  /** The scalar type of the value (of the map value for maps), when it is not a message. */
  readonly scalar: ScalarType | undefined;
  /** The message type of the value (of the map value for maps). */
  readonly message: MessagePlan | undefined;
  /** The key type of a map. */
  readonly keyScalar: ScalarType | undefined;
  readonly pointer: boolean;
  readonly omitempty: boolean;
}

/** A message type prepared for the codec. */
export interface MessagePlan {
  /** Full name without the leading dot. */
  readonly name: string;
  /** Fields in declaration order (JSON order). */
  readonly fields: readonly FieldPlan[];
  /** Fields in number order (wire order). */
  readonly writeOrder: readonly FieldPlan[];
  readonly byId: ReadonlyMap<number, FieldPlan>;
  readonly conversion: ProtobufConversion | undefined;
}

/** Turns protobufjs reflection types into {@link MessagePlan}s, once per type. */
export class PlanCache {
  private readonly plans = new Map<string, MessagePlan>();

  constructor(
    private readonly pb: ProtobufjsModule,
    private readonly root: Protobufjs.Root,
    private readonly conversions: ReadonlyMap<string, ProtobufConversion>,
  ) {}

  /** The plan of a message type by full name (leading dot optional); `undefined` if no such message. */
  get(typeName: string): MessagePlan | undefined {
    const name = typeName.replace(/^\./, '');
    const cached = this.plans.get(name);
    if (cached !== undefined) return cached;
    const type = this.root.lookup(name);
    return type instanceof this.pb.Type ? this.build(type) : undefined;
  }

  private build(type: Protobufjs.Type): MessagePlan {
    const name = type.fullName.replace(/^\./, '');
    const cached = this.plans.get(name);
    if (cached !== undefined) return cached;
    const fields: FieldPlan[] = [];
    const writeOrder: FieldPlan[] = [];
    const byId = new Map<number, FieldPlan>();
    const plan: MessagePlan = {
      name,
      fields,
      writeOrder,
      byId,
      conversion: this.conversions.get(name),
    };
    this.plans.set(name, plan); // before the fields: messages may refer to themselves
    for (const field of type.fieldsArray) {
      const fieldPlan = this.field(name, field);
      fields.push(fieldPlan);
      byId.set(fieldPlan.id, fieldPlan);
    }
    writeOrder.push(...[...fields].sort((a, b) => a.id - b.id));
    return plan;
  }

  private field(messageName: string, field: Protobufjs.FieldBase): FieldPlan {
    const where = `${messageName}.${field.name}`;
    // members of Field and MapField that FieldBase's typings leave out
    const details = field as unknown as {
      delimited?: boolean;
      jsonName?: string;
      keyType?: string;
    };
    if (details.delimited === true) throw new Error(`${where}: groups are not supported`);
    const resolved = field.resolvedType;
    let scalar: ScalarType | undefined;
    let message: MessagePlan | undefined;
    if (resolved instanceof this.pb.Type) message = this.build(resolved);
    else if (resolved instanceof this.pb.Enum) scalar = 'int32';
    else if (Object.hasOwn(WIRE_TYPE, field.type)) scalar = field.type as ScalarType;
    else throw new Error(`${where}: unresolved type ${field.type}`);
    let keyScalar: ScalarType | undefined;
    if (field.map) {
      const keyType = details.keyType ?? '';
      if (!Object.hasOwn(WIRE_TYPE, keyType)) throw new Error(`${where}: bad map key ${keyType}`);
      keyScalar = keyType as ScalarType;
    }
    const options = (field.options ?? {}) as Record<string, unknown>;
    return {
      name: field.name,
      jsonName: details.jsonName || field.name,
      id: field.id,
      label: field.map ? 'map' : field.repeated ? 'repeated' : 'single',
      scalar,
      message,
      keyScalar,
      pointer: options[PROTOBUF_POINTER_OPTION] === true,
      omitempty: options[PROTOBUF_OMITEMPTY_OPTION] !== false,
    };
  }
}

/** What the codec needs from its registry. */
export interface CodecEnvironment {
  /** Decodes a nested `k8s\0` envelope (RawExtension). */
  decodeEnvelope(bytes: Uint8Array): KubeObject;
}

const MAX_DEPTH = 256;

function contextFor(
  plan: MessagePlan,
  env: CodecEnvironment,
  direction: 'decode' | 'encode',
): ProtobufConversionContext {
  return {
    messageType: plan.name,
    direction,
    fail(message: string): never {
      throw direction === 'decode'
        ? badRequest(message)
        : internalError(new Error(`${plan.name}: ${message}`));
    },
    decodeEnvelope: (bytes) => env.decodeEnvelope(bytes),
  };
}

// ---------------------------------------------------------------- decoding

type ScalarValue = string | number | bigint | boolean | Uint8Array;

function toInt32(v: number | bigint): number {
  if (typeof v === 'bigint') return Number(BigInt.asIntN(32, v));
  const u = v % 4294967296;
  return u >= 2147483648 ? u - 4294967296 : u;
}

function toUint32(v: number | bigint): number {
  return typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : v % 4294967296;
}

function readScalar(reader: WireReader, scalar: ScalarType): ScalarValue {
  switch (scalar) {
    case 'string':
      return utf8(reader.lengthDelimited());
    case 'bytes':
      return new Uint8Array(reader.lengthDelimited()); // a copy, never a view of the input
    case 'bool': {
      const v = reader.varint64();
      return v !== 0 && v !== 0n;
    }
    case 'int32':
      return toInt32(reader.varint64());
    case 'uint32':
      return toUint32(reader.varint64());
    case 'sint32': {
      const u = toUint32(reader.varint64());
      return (u >>> 1) ^ -(u & 1);
    }
    case 'int64':
      return BigInt.asIntN(64, BigInt(reader.varint64()));
    case 'uint64':
      return BigInt.asUintN(64, BigInt(reader.varint64()));
    case 'sint64': {
      const u = BigInt.asUintN(64, BigInt(reader.varint64()));
      return BigInt.asIntN(64, (u >> 1n) ^ -(u & 1n));
    }
    case 'fixed32':
      return reader.fixed(4).getUint32(0, true);
    case 'sfixed32':
      return reader.fixed(4).getInt32(0, true);
    case 'float':
      return reader.fixed(4).getFloat32(0, true);
    case 'fixed64':
      return reader.fixed(8).getBigUint64(0, true);
    case 'sfixed64':
      return reader.fixed(8).getBigInt64(0, true);
    case 'double':
      return reader.fixed(8).getFloat64(0, true);
  }
}

function zeroScalar(scalar: ScalarType): ScalarValue {
  if (scalar === 'string') return '';
  if (scalar === 'bytes') return new Uint8Array(0);
  if (scalar === 'bool') return false;
  return LONG_SCALARS.has(scalar) ? 0n : 0;
}

function isZeroScalar(value: ScalarValue): boolean {
  if (value instanceof Uint8Array) return value.length === 0;
  return value === '' || value === 0 || value === 0n || value === false;
}

function scalarToJSON(value: ScalarValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

/** Sets a property even when its name is `__proto__` (map keys come from the data). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function expectWireType(got: number, want: number, plan: MessagePlan, field: FieldPlan): void {
  if (got !== want) {
    throw new WireFormatError(
      `proto: ${plan.name}: wrong wireType = ${got} for field ${field.name}`,
    );
  }
}

class Decoder {
  constructor(private readonly env: CodecEnvironment) {}

  message(plan: MessagePlan, bytes: Uint8Array, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new WireFormatError('proto: message nesting too deep');
    const reader = new WireReader(bytes);
    const values = new Map<FieldPlan, unknown>();
    // repeated occurrences of a singular message field merge, as in every protobuf implementation
    const singleMessages = new Map<FieldPlan, Uint8Array[]>();
    while (!reader.done) {
      const { field: id, wireType } = reader.tag();
      const field = plan.byId.get(id);
      if (field === undefined) {
        reader.skip(wireType);
        continue;
      }
      if (field.label === 'map') {
        expectWireType(wireType, WIRE_LEN, plan, field);
        const [key, value] = this.mapEntry(plan, field, reader.lengthDelimited(), depth);
        let entries = values.get(field) as Map<ScalarValue, unknown> | undefined;
        if (entries === undefined) values.set(field, (entries = new Map()));
        entries.set(key, value);
      } else if (field.label === 'repeated') {
        let items = values.get(field) as unknown[] | undefined;
        if (items === undefined) values.set(field, (items = []));
        if (field.message !== undefined) {
          expectWireType(wireType, WIRE_LEN, plan, field);
          items.push(this.message(field.message, reader.lengthDelimited(), depth + 1) ?? null);
        } else if (wireType === WIRE_LEN && WIRE_TYPE[field.scalar!] !== WIRE_LEN) {
          // packed encoding; Go writes repeated numbers unpacked but readers accept both
          const packed = new WireReader(reader.lengthDelimited());
          while (!packed.done) items.push(readScalar(packed, field.scalar!));
        } else {
          expectWireType(wireType, WIRE_TYPE[field.scalar!], plan, field);
          items.push(readScalar(reader, field.scalar!));
        }
      } else if (field.message !== undefined) {
        expectWireType(wireType, WIRE_LEN, plan, field);
        let parts = singleMessages.get(field);
        if (parts === undefined) singleMessages.set(field, (parts = []));
        parts.push(reader.lengthDelimited());
      } else {
        expectWireType(wireType, WIRE_TYPE[field.scalar!], plan, field);
        values.set(field, readScalar(reader, field.scalar!));
      }
    }
    for (const [field, parts] of singleMessages) {
      values.set(field, this.message(field.message!, concat(parts), depth + 1));
    }
    return this.toJSON(plan, values);
  }

  private mapEntry(
    plan: MessagePlan,
    field: FieldPlan,
    bytes: Uint8Array,
    depth: number,
  ): [ScalarValue, unknown] {
    const reader = new WireReader(bytes);
    let key: ScalarValue | undefined;
    let value: unknown;
    const valueParts: Uint8Array[] = [];
    while (!reader.done) {
      const { field: id, wireType } = reader.tag();
      if (id === 1) {
        expectWireType(wireType, WIRE_TYPE[field.keyScalar!], plan, field);
        key = readScalar(reader, field.keyScalar!);
      } else if (id === 2 && field.message !== undefined) {
        expectWireType(wireType, WIRE_LEN, plan, field);
        valueParts.push(reader.lengthDelimited());
      } else if (id === 2) {
        expectWireType(wireType, WIRE_TYPE[field.scalar!], plan, field);
        value = readScalar(reader, field.scalar!);
      } else {
        reader.skip(wireType);
      }
    }
    // a missing key or value is the zero value (Go fills map entries that way)
    key ??= zeroScalar(field.keyScalar!);
    if (field.message !== undefined) {
      value =
        this.message(
          field.message,
          valueParts.length > 0 ? concat(valueParts) : new Uint8Array(0),
          depth + 1,
        ) ?? null;
    } else {
      value ??= zeroScalar(field.scalar!);
    }
    return [key, value];
  }

  private toJSON(plan: MessagePlan, values: Map<FieldPlan, unknown>): unknown {
    if (plan.conversion !== undefined) {
      const fields: ProtoFields = {};
      for (const [field, value] of values) fields[field.name] = value;
      return plan.conversion.toJSON(fields, contextFor(plan, this.env, 'decode'));
    }
    const out: Record<string, unknown> = {};
    for (const field of plan.fields) {
      const present = values.has(field);
      const value = values.get(field);
      if (field.label === 'repeated') {
        const items = present ? (value as unknown[]) : [];
        if (items.length > 0 || !field.omitempty) {
          out[field.jsonName] = field.message
            ? items
            : items.map((v) => scalarToJSON(v as ScalarValue));
        }
      } else if (field.label === 'map') {
        const entries = present ? (value as Map<ScalarValue, unknown>) : new Map();
        if (entries.size > 0 || !field.omitempty) {
          const object: Record<string, unknown> = {};
          for (const [k, v] of entries) {
            setOwn(object, String(k), field.message ? v : scalarToJSON(v as ScalarValue));
          }
          out[field.jsonName] = object;
        }
      } else if (field.message !== undefined) {
        if (present) {
          if (value !== undefined) out[field.jsonName] = value;
        } else if (field.pointer && !field.omitempty) {
          out[field.jsonName] = null;
        }
      } else {
        const scalar = present
          ? (value as ScalarValue)
          : field.pointer
            ? undefined
            : zeroScalar(field.scalar!);
        if (scalar === undefined) {
          if (!field.omitempty) out[field.jsonName] = null;
        } else if (field.pointer || !field.omitempty || !isZeroScalar(scalar)) {
          out[field.jsonName] = scalarToJSON(scalar);
        }
      }
    }
    return out;
  }
}

/** Decodes a message's bytes into its JSON form; malformed input is a 400. */
export function decodeMessage(
  plan: MessagePlan,
  bytes: Uint8Array,
  env: CodecEnvironment,
): unknown {
  try {
    return new Decoder(env).message(plan, bytes, 0);
  } catch (err) {
    if (err instanceof WireFormatError) throw badRequest(err.message);
    throw err;
  }
}

// ---------------------------------------------------------------- encoding

function tag(id: number, wireType: number): number {
  return ((id << 3) | wireType) >>> 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT_RANGE: Partial<Record<ScalarType, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
};

/** Checks (and, for JSON base64 and 64-bit numbers, converts) a value for a scalar field. */
function checkScalar(
  scalar: ScalarType,
  value: unknown,
  fromJSON: boolean,
  at: string,
): ScalarValue {
  const fail = (): never => {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new WireFormatError(`${at}: ${shown} is not a valid ${scalar}`);
  };
  switch (scalar) {
    case 'string':
      return typeof value === 'string' ? value : fail();
    case 'bool':
      return typeof value === 'boolean' ? value : fail();
    case 'bytes':
      if (value instanceof Uint8Array) return value;
      if (fromJSON && typeof value === 'string' && BASE64.test(value)) {
        return new Uint8Array(Buffer.from(value, 'base64'));
      }
      return fail();
    case 'float':
    case 'double':
      return typeof value === 'number' ? value : fail();
    default: {
      if (LONG_SCALARS.has(scalar)) {
        if (typeof value === 'bigint') return value;
        return Number.isInteger(value) ? BigInt(value as number) : fail();
      }
      const [min, max] = INT_RANGE[scalar]!;
      return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
        ? (value as number)
        : fail();
    }
  }
}

/** A 64-bit value as protobufjs's Writer takes it: a number when exact, decimal text otherwise. */
function long(value: ScalarValue): number | string {
  const big = value as bigint;
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big.toString();
}

function writeScalar(
  w: Protobufjs.Writer,
  id: number,
  scalar: ScalarType,
  value: ScalarValue,
): void {
  w.uint32(tag(id, WIRE_TYPE[scalar]));
  switch (scalar) {
    case 'string':
      w.string(value as string);
      return;
    case 'bytes':
      w.bytes(value as Uint8Array);
      return;
    case 'bool':
      w.bool(value as boolean);
      return;
    case 'int32':
      w.int32(value as number);
      return;
    case 'uint32':
      w.uint32(value as number);
      return;
    case 'sint32':
      w.sint32(value as number);
      return;
    case 'fixed32':
      w.fixed32(value as number);
      return;
    case 'sfixed32':
      w.sfixed32(value as number);
      return;
    case 'float':
      w.float(value as number);
      return;
    case 'double':
      w.double(value as number);
      return;
    case 'int64':
      w.int64(long(value));
      return;
    case 'uint64':
      w.uint64(long(BigInt.asIntN(64, value as bigint)));
      return;
    case 'sint64':
      w.sint64(long(value));
      return;
    case 'fixed64':
      w.fixed64(long(BigInt.asIntN(64, value as bigint)));
      return;
    case 'sfixed64':
      w.sfixed64(long(value));
      return;
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function mapKey(scalar: ScalarType, key: string, at: string): ScalarValue {
  if (scalar === 'string') return key;
  if (scalar === 'bool') {
    if (key === 'true' || key === 'false') return key === 'true';
  } else if (/^-?\d+$/.test(key)) {
    return checkScalar(scalar, LONG_SCALARS.has(scalar) ? BigInt(key) : Number(key), false, at);
  }
  throw new WireFormatError(`${at}: map key ${JSON.stringify(key)} is not a valid ${scalar}`);
}

class Encoder {
  constructor(
    private readonly pb: ProtobufjsModule,
    private readonly env: CodecEnvironment,
  ) {}

  /** The body of a message (no tag, no length). */
  body(plan: MessagePlan, json: unknown, at: string): Uint8Array {
    const w = this.pb.Writer.create();
    const prepared = this.prepare(plan, json, at, true);
    if (prepared !== undefined) this.writeBody(w, plan, prepared, at);
    return w.finish();
  }

  /**
   * What to write for a message value: the conversion's fields, the JSON object itself, or nothing
   * (`undefined`). `null` without a conversion is an empty message where `nullIsEmpty` (elements of
   * repeated fields and map values, the top level) and nothing elsewhere.
   */
  private prepare(
    plan: MessagePlan,
    json: unknown,
    at: string,
    nullIsEmpty: boolean,
  ): { fields: ProtoFields } | { object: Record<string, unknown> } | undefined {
    if (plan.conversion !== undefined) {
      const fields = plan.conversion.fromJSON(json ?? null, contextFor(plan, this.env, 'encode'));
      return fields === undefined ? undefined : { fields };
    }
    if (json === null || json === undefined) return nullIsEmpty ? { object: {} } : undefined;
    if (!isPlainObject(json)) {
      throw new WireFormatError(`${at}: expected an object for ${plan.name}`);
    }
    return { object: json };
  }

  private writeBody(
    w: Protobufjs.Writer,
    plan: MessagePlan,
    prepared: { fields: ProtoFields } | { object: Record<string, unknown> },
    at: string,
  ): void {
    const fromJSON = 'object' in prepared;
    const source = fromJSON ? prepared.object : prepared.fields;
    for (const field of plan.writeOrder) {
      const value = ownValue(source, fromJSON ? field.jsonName : field.name);
      const where = `${at}.${fromJSON ? field.jsonName : field.name}`;
      if (field.label === 'single') this.single(w, field, value, fromJSON, where);
      else if (field.label === 'repeated') this.repeated(w, field, value, fromJSON, where);
      else this.map(w, field, value, fromJSON, where);
    }
  }

  private nested(
    w: Protobufjs.Writer,
    id: number,
    plan: MessagePlan,
    value: unknown,
    at: string,
    nullIsEmpty: boolean,
  ): void {
    const prepared = this.prepare(plan, value, at, nullIsEmpty);
    if (prepared === undefined) return;
    w.uint32(tag(id, WIRE_LEN)).fork();
    this.writeBody(w, plan, prepared, at);
    w.ldelim();
  }

  private single(
    w: Protobufjs.Writer,
    field: FieldPlan,
    value: unknown,
    fromJSON: boolean,
    at: string,
  ): void {
    if (field.message !== undefined) {
      if (value === undefined) return;
      // JSON null: a pointer is nil (nothing written); a value Time, RawExtension … converts null itself
      if (value === null && (field.pointer || field.message.conversion === undefined)) return;
      this.nested(w, field.id, field.message, value, at, false);
      return;
    }
    const scalar = field.scalar!;
    if (value === undefined || value === null) {
      // Go writes value fields even when zero; pointers and nil byte slices only when set
      if (fromJSON && !field.pointer && scalar !== 'bytes')
        writeScalar(w, field.id, scalar, zeroScalar(scalar));
      return;
    }
    writeScalar(w, field.id, scalar, checkScalar(scalar, value, fromJSON, at));
  }

  private repeated(
    w: Protobufjs.Writer,
    field: FieldPlan,
    value: unknown,
    fromJSON: boolean,
    at: string,
  ): void {
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) throw new WireFormatError(`${at}: expected an array`);
    value.forEach((item: unknown, i) => {
      const where = `${at}[${i}]`;
      if (field.message !== undefined) this.nested(w, field.id, field.message, item, where, true);
      else
        writeScalar(w, field.id, field.scalar!, checkScalar(field.scalar!, item, fromJSON, where));
    });
  }

  private map(
    w: Protobufjs.Writer,
    field: FieldPlan,
    value: unknown,
    fromJSON: boolean,
    at: string,
  ): void {
    if (value === undefined || value === null) return;
    let entries: [ScalarValue, unknown][];
    if (value instanceof Map) {
      entries = [...(value as Map<unknown, unknown>)].map(([k, v]) => [
        checkScalar(field.keyScalar!, k, false, at),
        v,
      ]);
    } else if (isPlainObject(value)) {
      entries = Object.keys(value).map((k) => [mapKey(field.keyScalar!, k, at), value[k]]);
    } else {
      throw new WireFormatError(`${at}: expected an object`);
    }
    // Go writes map entries sorted by key: strings byte-wise, numbers by value
    entries.sort(([a], [b]) =>
      typeof a === 'string' ? compareBytes(a, b as string) : a < b ? -1 : a > b ? 1 : 0,
    );
    for (const [key, item] of entries) {
      const where = `${at}[${JSON.stringify(String(key))}]`;
      w.uint32(tag(field.id, WIRE_LEN)).fork();
      writeScalar(w, 1, field.keyScalar!, key);
      if (field.message !== undefined) {
        this.nested(w, 2, field.message, item, where, true);
      } else {
        const scalar = field.scalar!;
        const v =
          item === null || item === undefined
            ? zeroScalar(scalar)
            : checkScalar(scalar, item, fromJSON, where);
        writeScalar(w, 2, scalar, v);
      }
      w.ldelim();
    }
  }
}

/** Encodes a JSON value as a message's bytes; a value that does not fit the message is a 500. */
export function encodeMessage(
  pb: ProtobufjsModule,
  plan: MessagePlan,
  json: unknown,
  env: CodecEnvironment,
): Uint8Array {
  try {
    return new Encoder(pb, env).body(plan, json, plan.name.slice(plan.name.lastIndexOf('.') + 1));
  } catch (err) {
    if (err instanceof WireFormatError) throw internalError(err);
    throw err;
  }
}
