/**
 * Conversions between Kubernetes' wrapper messages and their JSON forms: a Time message is an RFC 3339
 * string in JSON, an IntOrString a bare number or string, a Quantity a string, and so on.
 * @module
 */
import type { KubeObject } from '../../meta/types.js';
import { hasProtobufMagic } from './envelope.js';
import { toUtf8, utf8 } from './wire.js';

/**
 * The fields of one decoded (or to-be-encoded) message, by proto field name, holding only the fields
 * present on the wire. Values: `string`; `boolean`; `number` for 32-bit integers, floats and enums;
 * `bigint` for 64-bit integers (a `number` is accepted when encoding); `Uint8Array` for `bytes`; the
 * JSON form of a nested message; an array for a repeated field; a `Map` for a map field.
 */
export type ProtoFields = Record<string, unknown>;

/** What a conversion may use besides the fields. */
export interface ProtobufConversionContext {
  /** The full name of the message being converted. */
  readonly messageType: string;
  /** `decode` (wire → JSON) or `encode` (JSON → wire). */
  readonly direction: 'decode' | 'encode';
  /** Fails the conversion: a 400 while decoding a request, a 500 while encoding a response. */
  fail(message: string): never;
  /** Decodes a nested `k8s\0` envelope with the same registry (RawExtension in watch events, lists). */
  decodeEnvelope(bytes: Uint8Array): KubeObject;
}

/**
 * A message whose JSON form is not an object of its fields. Registered per message type with
 * {@link ProtobufRegistry.addConversion}.
 */
export interface ProtobufConversion {
  /** The JSON value for the decoded fields; `undefined` leaves the field out of the JSON object. */
  toJSON(fields: ProtoFields, context: ProtobufConversionContext): unknown;
  /**
   * The fields to write for a JSON value (`null` included); `undefined` writes nothing. Every field
   * returned is written, zero values included.
   */
  fromJSON(value: unknown, context: ProtobufConversionContext): ProtoFields | undefined;
}

// --- time ---

/** Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds: Go writes it as an empty message. */
const GO_ZERO_TIME_SECONDS = -62135596800n;
const MAX_TIME_SECONDS = 253402300799n; // 9999-12-31T23:59:59Z

function formatTime(
  seconds: bigint,
  micros: number | undefined,
  context: ProtobufConversionContext,
): string {
  if (seconds < GO_ZERO_TIME_SECONDS - 31622400n || seconds > MAX_TIME_SECONDS) {
    // as Go's Time.MarshalJSON, which only prints years 0 to 9999
    context.fail('Time.MarshalJSON: year outside of range [0,9999]');
  }
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const base = iso.slice(0, 19);
  return micros === undefined ? `${base}Z` : `${base}.${String(micros).padStart(6, '0')}Z`;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Parses RFC 3339 (as Go's time.Parse with time.RFC3339) into Unix seconds and nanoseconds. */
export function parseRFC3339(text: string): { seconds: bigint; nanos: number } | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  let seconds = BigInt(date.getTime() / 1000);
  if (m[8] !== 'Z') {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offset = BigInt(offsetHours * 3600 + offsetMinutes * 60);
    seconds = m[9] === '+' ? seconds - offset : seconds + offset;
  }
  const nanos = m[7] === undefined ? 0 : Number(m[7].padEnd(9, '0'));
  return { seconds, nanos };
}

function asBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  return 0n;
}

function timeConversion(micro: boolean): ProtobufConversion {
  const name = micro ? 'MicroTime' : 'Time';
  return {
    toJSON(fields, context) {
      // An empty message is Go's zero time, which JSON shows as null (apimachinery meta/v1 time_proto.go).
      if (!('seconds' in fields) && !('nanos' in fields)) return null;
      const seconds = asBigInt(fields.seconds);
      const nanos = micro && typeof fields.nanos === 'number' ? fields.nanos : 0; // Time ignores nanos
      if (nanos < 0 || nanos > 999_999_999) context.fail(`${name}: nanos ${nanos} out of range`);
      // Go's zero instant prints as null whichever way it arrived
      if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return null;
      return formatTime(seconds, micro ? Math.floor(nanos / 1000) : undefined, context);
    },
    fromJSON(value, context) {
      if (value === null) return {};
      const parsed = typeof value === 'string' ? parseRFC3339(value) : undefined;
      if (parsed === undefined) {
        return context.fail(`${name}: cannot parse ${JSON.stringify(value)} as RFC 3339`);
      }
      if (parsed.seconds === GO_ZERO_TIME_SECONDS && parsed.nanos === 0) return {};
      const nanos = micro ? parsed.nanos - (parsed.nanos % 1000) : parsed.nanos;
      return { seconds: parsed.seconds, nanos };
    },
  };
}

// --- duration ---

const NS_PER = { h: 3_600_000_000_000n, m: 60_000_000_000n, s: 1_000_000_000n } as const;

function decimal(value: bigint, fractionDigits: number): string {
  const scale = 10n ** BigInt(fractionDigits);
  const whole = value / scale;
  const fraction = (value % scale).toString().padStart(fractionDigits, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** Go's time.Duration.String(): `1h0m0s`, `1m30s`, `1.5s`, `300ms`, `1.5µs`, `10ns`, `0s`. */
export function formatGoDuration(nanoseconds: bigint): string {
  if (nanoseconds === 0n) return '0s';
  const negative = nanoseconds < 0n;
  let u = negative ? -nanoseconds : nanoseconds;
  let text: string;
  if (u < NS_PER.s) {
    if (u < 1000n) text = `${u}ns`;
    else if (u < 1_000_000n) text = `${decimal(u, 3)}µs`;
    else text = `${decimal(u, 6)}ms`;
  } else {
    const hours = u / NS_PER.h;
    u %= NS_PER.h;
    const minutes = u / NS_PER.m;
    u %= NS_PER.m;
    text =
      (hours > 0n ? `${hours}h` : '') +
      (hours > 0n || minutes > 0n ? `${minutes}m` : '') +
      `${decimal(u, 9)}s`;
  }
  return negative ? `-${text}` : text;
}

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n, // U+00B5
  μs: 1000n, // U+03BC
  ms: 1_000_000n,
  s: NS_PER.s,
  m: NS_PER.m,
  h: NS_PER.h,
};
const INT64_MAX = (1n << 63n) - 1n;

/** Go's time.ParseDuration; `undefined` for text Go rejects. */
export function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?([^\d.]+)/;
  while (rest !== '') {
    const m = part.exec(rest);
    if (m === null) return undefined;
    const [all, whole = '', fraction = '', unitName = ''] = m;
    if (whole === '' && fraction === '') return undefined;
    const unit = DURATION_UNITS[unitName];
    if (unit === undefined) return undefined;
    let value = BigInt(whole === '' ? '0' : whole) * unit;
    if (fraction !== '') value += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
    total += value;
    if (total > INT64_MAX + (negative ? 1n : 0n)) return undefined;
    rest = rest.slice(all.length);
  }
  return negative ? -total : total;
}

// --- quantity, int-or-string ---

const QUANTITY =
  /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
// the wording of k8s.io/apimachinery pkg/api/resource ErrFormatWrong
const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function isInt32(value: unknown): value is number {
  return (
    Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX
  );
}

// --- raw JSON carried as bytes ---

function rawJSON(field: string, label: string): ProtobufConversion {
  return {
    toJSON(fields, context) {
      const raw = fields[field];
      if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
      if (hasProtobufMagic(raw)) return context.decodeEnvelope(raw);
      try {
        return JSON.parse(utf8(raw)) as unknown;
      } catch {
        return context.fail(
          `${label}: the embedded bytes are neither JSON nor a protobuf envelope`,
        );
      }
    },
    fromJSON(value) {
      if (value === null) return {};
      return { [field]: toUtf8(JSON.stringify(value)) };
    },
  };
}

/** The built-in conversions; hosts may attach them to messages of their own with the same fields. */
export const protobufConversions = {
  /** meta/v1 Time `{seconds, nanos}` ↔ `2024-01-02T03:04:05Z`; an empty message ↔ `null`. */
  time: timeConversion(false),
  /** meta/v1 MicroTime `{seconds, nanos}` ↔ `2024-01-02T03:04:05.123456Z`; empty ↔ `null`. */
  microTime: timeConversion(true),
  /** meta/v1 Duration `{duration}` (nanoseconds) ↔ Go duration text such as `1h0m0s`. */
  duration: {
    toJSON(fields) {
      return formatGoDuration(asBigInt(fields.duration));
    },
    fromJSON(value, context) {
      if (value === null) return undefined;
      const parsed = typeof value === 'string' ? parseGoDuration(value) : undefined;
      if (parsed === undefined) {
        return context.fail(`Duration: cannot parse ${JSON.stringify(value)}`);
      }
      return { duration: parsed };
    },
  } satisfies ProtobufConversion,
  /** intstr IntOrString `{type, intVal, strVal}` ↔ a bare number or string. */
  intOrString: {
    toJSON(fields, context) {
      const type = asBigInt(fields.type);
      if (type === 0n) return typeof fields.intVal === 'number' ? fields.intVal : 0;
      if (type === 1n) return typeof fields.strVal === 'string' ? fields.strVal : '';
      return context.fail('impossible IntOrString.Type');
    },
    fromJSON(value, context) {
      if (value === null) return undefined;
      if (typeof value === 'string') return { type: 1n, intVal: 0, strVal: value };
      if (isInt32(value)) return { type: 0n, intVal: value, strVal: '' };
      return context.fail(
        `IntOrString: expected a string or an int32, got ${JSON.stringify(value)}`,
      );
    },
  } satisfies ProtobufConversion,
  /** resource Quantity `{string}` ↔ its string (kept as written, not canonicalised). */
  quantity: {
    toJSON(fields, context) {
      const text = typeof fields.string === 'string' ? fields.string : '';
      if (!QUANTITY.test(text)) context.fail(QUANTITY_FORMAT_ERROR);
      return text;
    },
    fromJSON(value, context) {
      if (value === null) return undefined;
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text !== 'string' || !QUANTITY.test(text))
        return context.fail(QUANTITY_FORMAT_ERROR);
      return { string: text };
    },
  } satisfies ProtobufConversion,
  /** runtime RawExtension `{raw}` ↔ the embedded JSON value (or a decoded nested envelope); no raw ↔ `null`. */
  rawExtension: rawJSON('raw', 'RawExtension'),
  /** meta/v1 FieldsV1 `{Raw}` ↔ the inline JSON field set; no Raw ↔ `null`. */
  fieldsV1: rawJSON('Raw', 'FieldsV1'),
  /** A message wrapping `repeated string <field>` (meta/v1 Verbs, authn/authz ExtraValue) ↔ a JSON array. */
  stringList(field = 'items'): ProtobufConversion {
    return {
      toJSON(fields) {
        const items = fields[field];
        return Array.isArray(items) ? (items as unknown[]) : [];
      },
      fromJSON(value, context) {
        if (value === null) return undefined;
        if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
          context.fail('expected an array of strings');
        }
        return { [field]: value };
      },
    };
  },
} as const;
