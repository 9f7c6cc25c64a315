/**
 * The Kubernetes protobuf envelope (`k8s\0` + `runtime.Unknown`) and the protobuf watch framing
 * (4-byte big-endian length + `meta.v1.WatchEvent`). Hand-written: no protobufjs needed.
 * @module
 */
import { badRequest, requestEntityTooLarge } from '../../errors.js';
import { LengthDelimitedWriter, WireFormatError, WireReader, WIRE_LEN, utf8 } from './wire.js';

/** The four bytes every protobuf body starts with: `k8s` and the encoding style 0 (runtime.Unknown). */
export const PROTOBUF_MAGIC: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** The contents of a protobuf envelope. */
export interface ProtobufEnvelope {
  /** `v1` or `group/version`, from `Unknown.typeMeta`; `''` when the sender left it out. */
  apiVersion: string;
  /** The kind, from `Unknown.typeMeta`; `''` when the sender left it out. */
  kind: string;
  /** The object's own message bytes (a view into the input when decoded). */
  raw: Uint8Array;
}

/** True when `bytes` start with {@link PROTOBUF_MAGIC}. */
export function hasProtobufMagic(bytes: Uint8Array): boolean {
  return (
    bytes.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((byte, i) => bytes[i] === byte)
  );
}

/**
 * Wraps an object's message bytes in the envelope: the magic, then `runtime.Unknown{typeMeta, raw,
 * contentEncoding: "", contentType: ""}`, byte for byte as Go writes it.
 */
export function encodeProtobufEnvelope(
  apiVersion: string,
  kind: string,
  raw: Uint8Array,
): Uint8Array {
  // runtime.TypeMeta: apiVersion = 1, kind = 2 (pkg/runtime/generated.proto)
  const typeMeta = new LengthDelimitedWriter().field(1, apiVersion).field(2, kind).finish();
  return new LengthDelimitedWriter()
    .field(1, typeMeta)
    .field(2, raw)
    .field(3, '')
    .field(4, '')
    .finish(PROTOBUF_MAGIC);
}

/** Turns a wire error into the 400 a malformed request body gets. */
function asBadRequest(err: unknown): never {
  if (err instanceof WireFormatError) throw badRequest(err.message);
  throw err;
}

function expectLen(wireType: number, field: string): void {
  if (wireType !== WIRE_LEN) {
    throw new WireFormatError(`proto: wrong wireType = ${wireType} for field ${field}`);
  }
}

function decodeTypeMeta(bytes: Uint8Array): { apiVersion: string; kind: string } {
  const reader = new WireReader(bytes);
  let apiVersion = '';
  let kind = '';
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === 1) {
      expectLen(wireType, 'APIVersion');
      apiVersion = utf8(reader.lengthDelimited());
    } else if (field === 2) {
      expectLen(wireType, 'Kind');
      kind = utf8(reader.lengthDelimited());
    } else {
      reader.skip(wireType);
    }
  }
  return { apiVersion, kind };
}

/**
 * Opens a protobuf body. Empty input, a missing magic, a body that is only the magic, and any
 * malformed `runtime.Unknown` are 400 BadRequest, worded as k8s.io/apimachinery
 * pkg/runtime/serializer/protobuf Serializer.Decode words them.
 */
export function decodeProtobufEnvelope(bytes: Uint8Array): ProtobufEnvelope {
  if (bytes.length === 0) throw badRequest('empty data');
  if (!hasProtobufMagic(bytes)) {
    throw badRequest(
      `provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_MAGIC.join(' ')}]`,
    );
  }
  if (bytes.length === PROTOBUF_MAGIC.length) throw badRequest('empty body');
  try {
    const reader = new WireReader(bytes, PROTOBUF_MAGIC.length);
    let typeMeta = { apiVersion: '', kind: '' };
    let raw: Uint8Array = new Uint8Array(0);
    while (!reader.done) {
      const { field, wireType } = reader.tag();
      switch (field) {
        case 1:
          expectLen(wireType, 'TypeMeta');
          typeMeta = decodeTypeMeta(reader.lengthDelimited());
          break;
        case 2:
          expectLen(wireType, 'Raw');
          raw = reader.lengthDelimited();
          break;
        case 3:
        case 4:
          // contentEncoding / contentType: Go reads and then ignores them
          expectLen(wireType, field === 3 ? 'ContentEncoding' : 'ContentType');
          reader.lengthDelimited();
          break;
        default:
          reader.skip(wireType);
      }
    }
    return { ...typeMeta, raw };
  } catch (err) {
    return asBadRequest(err);
  }
}

/** One decoded protobuf watch event: its type and the envelope bytes of its object. */
export interface ProtobufWatchEventFrame {
  /** `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`. */
  type: string;
  /** The object's full envelope (`k8s\0` + Unknown), a Status for `ERROR`. */
  object: Uint8Array;
}

/**
 * One frame of a protobuf watch stream: a 4-byte big-endian length, then
 * `meta.v1.WatchEvent{type = 1, object = 2: RawExtension{raw = 1: envelope}}` without magic
 * (k8s.io/apimachinery pkg/util/framer LengthDelimitedFramer; apiserver endpoints/handlers/watch.go).
 */
export function encodeProtobufWatchFrame(type: string, envelope: Uint8Array): Uint8Array {
  const rawExtension = new LengthDelimitedWriter().field(1, envelope).finish();
  const event = new LengthDelimitedWriter().field(1, type).field(2, rawExtension).finish();
  const frame = new Uint8Array(4 + event.length);
  new DataView(frame.buffer).setUint32(0, event.length, false);
  frame.set(event, 4);
  return frame;
}

/** Decodes one WatchEvent message (a frame without its length prefix); malformed input is a 400. */
export function decodeProtobufWatchEvent(message: Uint8Array): ProtobufWatchEventFrame {
  try {
    const reader = new WireReader(message);
    let type = '';
    let object: Uint8Array = new Uint8Array(0);
    while (!reader.done) {
      const { field, wireType } = reader.tag();
      if (field === 1) {
        expectLen(wireType, 'Type');
        type = utf8(reader.lengthDelimited());
      } else if (field === 2) {
        expectLen(wireType, 'Object');
        const ext = new WireReader(reader.lengthDelimited());
        while (!ext.done) {
          const inner = ext.tag();
          if (inner.field === 1) {
            expectLen(inner.wireType, 'Raw');
            object = ext.lengthDelimited();
          } else {
            ext.skip(inner.wireType);
          }
        }
      } else {
        reader.skip(wireType);
      }
    }
    return { type, object };
  } catch (err) {
    return asBadRequest(err);
  }
}

/** A plain Uint8Array copy (Buffer's slice would be a view into the caller's chunk). */
function copy(data: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(data.subarray(start, end));
}

/** Options of {@link ProtobufWatchFrameReader}. */
export interface ProtobufWatchFrameReaderOptions {
  /** The largest frame accepted; a longer one is a 413. Default 16 MiB. */
  maxFrameBytes?: number;
}

/**
 * Splits a protobuf watch byte stream into WatchEvent messages, however the stream is chunked.
 * Feed chunks with {@link ProtobufWatchFrameReader.push}; call {@link ProtobufWatchFrameReader.end}
 * when the stream ends to detect a truncated last frame.
 */
export class ProtobufWatchFrameReader {
  private readonly maxFrameBytes: number;
  private pending: Uint8Array = new Uint8Array(0);

  constructor(options: ProtobufWatchFrameReaderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  }

  /** Bytes received but not yet returned as a complete message. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Adds a chunk; returns the WatchEvent messages it completed (without length prefixes). */
  push(chunk: Uint8Array): Uint8Array[] {
    let data: Uint8Array;
    if (this.pending.length === 0) {
      data = chunk;
    } else {
      data = new Uint8Array(this.pending.length + chunk.length);
      data.set(this.pending, 0);
      data.set(chunk, this.pending.length);
    }
    const messages: Uint8Array[] = [];
    let offset = 0;
    while (data.length - offset >= 4) {
      const length = new DataView(data.buffer, data.byteOffset + offset, 4).getUint32(0, false);
      if (length > this.maxFrameBytes) {
        throw requestEntityTooLarge(
          `watch frame of ${length} bytes is larger than the limit of ${this.maxFrameBytes} bytes`,
        );
      }
      if (data.length - offset - 4 < length) break;
      messages.push(copy(data, offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    this.pending = copy(data, offset, data.length);
    return messages;
  }

  /** Ends the stream; a partial frame left over is a 400. */
  end(): void {
    if (this.pending.length > 0) {
      const left = this.pending.length;
      this.pending = new Uint8Array(0);
      throw badRequest(`watch stream ended inside a frame (${left} bytes left over)`);
    }
  }
}
