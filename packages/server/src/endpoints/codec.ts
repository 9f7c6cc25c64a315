/**
 * Decoding request bodies and encoding responses for the REST endpoints: JSON, YAML and protobuf,
 * chosen by Content-Type and Accept as kube's negotiation does.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badRequest,
  decodeJsonObject,
  decodeYamlObject,
  encodeJson,
  encodeJsonBody,
  encodeYaml,
  MEDIA_TYPE_JSON,
  MEDIA_TYPE_PROTOBUF,
  MEDIA_TYPE_YAML,
  negotiateInput,
  negotiateOutput,
  parseApiVersion,
  resourceTransforms,
  SERVED_MEDIA_TYPES,
  transformDecodeError,
} from '@kapi/apimachinery';
import type {
  GroupVersionKind,
  KubeObject,
  NegotiatedOutput,
  ProtobufRegistry,
  Status,
} from '@kapi/apimachinery';

/** What the body of a write decoded to. */
export interface DecodedBody {
  object: KubeObject;
  /** Duplicate-field problems found under strict decoding. */
  strictErrors: string[];
}

/** JSON and YAML are always accepted; protobuf only where the kind has a registered message. */
export function acceptedBodyTypes(
  protobuf: ProtobufRegistry | undefined,
  gvk: GroupVersionKind,
): readonly string[] {
  return protobuf?.hasKind(gvk) === true ? SERVED_MEDIA_TYPES : [MEDIA_TYPE_JSON, MEDIA_TYPE_YAML];
}

/**
 * Decodes a create/update body as the endpoint's kind. Missing apiVersion/kind are filled in (as
 * kube's decoder defaults them); a body of another kind, or of another group, is a 400.
 */
export async function decodeBody(
  req: IncomingMessage,
  body: Buffer,
  expected: GroupVersionKind,
  options: { strict: boolean; protobuf: ProtobufRegistry | undefined },
): Promise<DecodedBody> {
  const input = negotiateInput(
    req.headers['content-type'],
    acceptedBodyTypes(options.protobuf, expected),
  );
  let decoded: DecodedBody;
  const apiVersion =
    expected.group === '' ? expected.version : `${expected.group}/${expected.version}`;
  try {
    if (input.format === 'protobuf' && options.protobuf !== undefined) {
      decoded = {
        object: await options.protobuf.decode(body, {
          expected: { apiVersion, kind: expected.kind },
        }),
        strictErrors: [],
      };
    } else if (input.format === 'yaml') {
      decoded = decodeYamlObject(body, { strict: options.strict });
    } else {
      decoded = decodeJsonObject(body, { strict: options.strict });
    }
  } catch (err) {
    throw err instanceof Error && 'status' in err
      ? transformDecodeError(err as never, expected.kind, body)
      : err;
  }
  const obj = decoded.object;
  if (obj.kind === undefined || obj.kind === '') obj.kind = expected.kind;
  if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = apiVersion;
  if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') {
    throw badRequest('apiVersion and kind must be strings');
  }
  const gv = parseApiVersion(obj.apiVersion);
  if (obj.kind !== expected.kind) {
    // as kube: the decoder cannot convert one kind into another
    throw badRequest(
      `${obj.kind} in version ${JSON.stringify(gv.version)} cannot be handled as a ${expected.kind}: converting (${obj.apiVersion}, Kind=${obj.kind}) to ${expected.kind}: unknown conversion`,
    );
  }
  if (gv.group !== expected.group) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`,
    );
  }
  return decoded;
}

/** Negotiates the response of a resource endpoint: JSON, YAML or protobuf, Table and metadata forms. */
export function negotiateResource(
  req: IncomingMessage,
  options: { stream?: boolean; table: boolean; protobuf: boolean },
): NegotiatedOutput {
  return negotiateOutput(req.headers.accept, {
    mediaTypes: options.protobuf ? SERVED_MEDIA_TYPES : [MEDIA_TYPE_JSON, MEDIA_TYPE_YAML],
    ...(options.stream ? { stream: true } : {}),
    allowsTransform: resourceTransforms({ table: options.table, partialObjectMetadata: true }),
  });
}

/** What {@link writeObject} keeps of a deep-frozen object: its encodings, which cannot change. */
interface Encodings {
  json?: Buffer;
  protobuf?: { registry: ProtobufRegistry; bytes: Buffer };
}

// keyed by the object, so an encoding lives exactly as long as the storage keeps the object
const frozenEncodings = new WeakMap<object, Encodings>();

/**
 * Writes an object (or a Status) in the negotiated format: at once, or (protobuf, whose codec
 * loads lazily) when the returned promise resolves. `frozen` says the object is deep-frozen (a
 * storage's shared read): its encodings are then kept with it and reused, as kube's watch cache
 * reuses serializations of its objects.
 */
export function writeObject(
  res: ServerResponse,
  code: number,
  obj: KubeObject | Status,
  output: NegotiatedOutput,
  protobuf: ProtobufRegistry | undefined,
  pretty = false,
  frozen = false,
): Promise<void> | undefined {
  const cached = frozen ? frozenEncodings.get(obj) : undefined;
  if (
    output.mediaType === MEDIA_TYPE_PROTOBUF &&
    protobuf !== undefined &&
    protobuf.hasKind(obj as { apiVersion: string; kind: string })
  ) {
    if (cached?.protobuf?.registry === protobuf) {
      send(res, code, output.contentType, cached.protobuf.bytes);
      return undefined;
    }
    // the protobuf codec loads lazily, so only this path waits
    return protobuf.encode(obj).then((encoded) => {
      const body = Buffer.from(encoded);
      if (frozen) remember(obj, cached).protobuf = { registry: protobuf, bytes: body };
      send(res, code, output.contentType, body);
    });
  }
  if (output.mediaType === MEDIA_TYPE_YAML) {
    send(res, code, output.contentType, Buffer.from(encodeYaml(obj)));
    return undefined;
  }
  const plain = !(pretty || output.pretty);
  let body = plain ? cached?.json : undefined;
  if (body === undefined) {
    body = Buffer.from(encodeJsonBody(obj, { pretty: !plain }));
    if (frozen && plain) remember(obj, cached).json = body;
  }
  send(res, code, MEDIA_TYPE_JSON, body);
  return undefined;
}

/** A list as kube writes it: `kind`, `apiVersion`, `metadata`, then `items`. */
export interface EncodableList {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  items: readonly KubeObject[];
}

const COMMA = Buffer.from(',');
const LIST_END = Buffer.from(']}\n');

/**
 * Writes a list as compact JSON, the same bytes as encoding the whole list at once, but reusing
 * the kept encodings of its deep-frozen items (and keeping those it makes): a list served from
 * shared reads costs little more than copying its items' bytes.
 */
export function writeJsonList(res: ServerResponse, code: number, list: EncodableList): void {
  const chunks: Buffer[] = [
    Buffer.from(
      `{"kind":${encodeJson(list.kind)},"apiVersion":${encodeJson(list.apiVersion)},"metadata":${encodeJson(list.metadata)},"items":[`,
    ),
  ];
  for (let i = 0; i < list.items.length; i++) {
    if (i > 0) chunks.push(COMMA);
    chunks.push(itemJson(list.items[i]!));
  }
  chunks.push(LIST_END);
  send(res, code, MEDIA_TYPE_JSON, Buffer.concat(chunks));
}

/** One item's compact JSON: a view of its kept response body (which ends in a newline) when frozen. */
function itemJson(item: KubeObject): Buffer {
  if (!Object.isFrozen(item)) return Buffer.from(encodeJson(item));
  const cached = frozenEncodings.get(item);
  let body = cached?.json;
  if (body === undefined) {
    body = Buffer.from(encodeJsonBody(item));
    remember(item, cached).json = body;
  }
  return body.subarray(0, body.length - 1);
}

function send(res: ServerResponse, code: number, contentType: string, body: Buffer): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': body.length });
  res.end(body);
}

function remember(obj: object, cached: Encodings | undefined): Encodings {
  if (cached !== undefined) return cached;
  const fresh: Encodings = {};
  frozenEncodings.set(obj, fresh);
  return fresh;
}
