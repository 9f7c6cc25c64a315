/**
 * A few protobuf wire-format helpers, hand-written so that the envelope and the watch framing never
 * need protobufjs (which is loaded only when a registry decodes or encodes an object).
 * @module
 */

/** Wire types of the protobuf encoding. */
export const WIRE_VARINT = 0;
/** 64-bit fixed wire type. */
export const WIRE_I64 = 1;
/** Length-delimited wire type (strings, bytes, messages, packed repeated fields). */
export const WIRE_LEN = 2;
/** 32-bit fixed wire type. */
export const WIRE_I32 = 5;

/** A malformed protobuf input; callers turn it into a 400 (decoding) or 500 (encoding) StatusError. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** Decodes UTF-8, replacing invalid sequences with U+FFFD, as Go's JSON encoder does for such strings. */
export function utf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

/** Encodes a string as UTF-8. */
export function toUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** Reads the wire format from a byte range; every read is bounds-checked against `end`. */
export class WireReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
  }

  /** True when the range is exhausted. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint up to 2^53 (tags and lengths); longer or larger varints are an error. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireFormatError('unexpected EOF');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(result)) throw new WireFormatError('proto: integer overflow');
        return result;
      }
      scale *= 128;
    }
    throw new WireFormatError('proto: integer overflow');
  }

  /** A varint of up to 64 bits: a number below 2^49, a bigint (unsigned) above. */
  varint64(): number | bigint {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw new WireFormatError('unexpected EOF');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    this.pos = start;
    let big = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new WireFormatError('unexpected EOF');
      const byte = this.buf[this.pos++]!;
      big |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, big);
    }
    throw new WireFormatError('proto: integer overflow');
  }

  /** A view of the next `n` bytes (fixed-width values). */
  fixed(n: 4 | 8): DataView {
    if (n > this.end - this.pos) throw new WireFormatError('unexpected EOF');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return view;
  }

  /** A field tag, split into field number and wire type. */
  tag(): { field: number; wireType: number } {
    const tag = this.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field <= 0 || field > 0x1fffffff) {
      throw new WireFormatError(`proto: illegal tag ${field} (wire type ${wireType})`);
    }
    return { field, wireType };
  }

  /** The bytes of a length-delimited value, as a view into the input. */
  lengthDelimited(): Uint8Array {
    const length = this.varint();
    if (length > this.end - this.pos) throw new WireFormatError('unexpected EOF');
    const start = this.pos;
    this.pos += length;
    return this.buf.subarray(start, this.pos);
  }

  /** Skips a value of an unknown field. Groups (wire types 3 and 4) are rejected, as Go does for 4. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varintSkip();
        return;
      case WIRE_I64:
        this.advance(8);
        return;
      case WIRE_LEN:
        this.advance(this.varint());
        return;
      case WIRE_I32:
        this.advance(4);
        return;
      default:
        throw new WireFormatError(`proto: illegal wireType ${wireType}`);
    }
  }

  private varintSkip(): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireFormatError('unexpected EOF');
      if (this.buf[this.pos++]! < 0x80) return;
    }
    throw new WireFormatError('proto: integer overflow');
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new WireFormatError('unexpected EOF');
    this.pos += n;
  }
}

/** The bytes of `n` (0 ≤ n < 2^53) as a varint. */
export function varintBytes(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Builds a message from length-delimited fields, the only kind the envelope and WatchEvent use. */
export class LengthDelimitedWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** Appends field `field` holding `value` (bytes, or a string written as UTF-8). */
  field(field: number, value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? toUtf8(value) : value;
    this.push(varintBytes(field * 8 + WIRE_LEN));
    this.push(varintBytes(bytes.length));
    this.push(bytes);
    return this;
  }

  /** The message bytes, after `prefix` if one is given. */
  finish(prefix?: Uint8Array): Uint8Array {
    const out = new Uint8Array((prefix?.length ?? 0) + this.size);
    let offset = 0;
    if (prefix !== undefined) {
      out.set(prefix, 0);
      offset = prefix.length;
    }
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }
}
