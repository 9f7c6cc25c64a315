/**
 * The Kubernetes protobuf codec: the `k8s\0` envelope, the watch framing, and a registry of message
 * descriptors per kind that converts protobuf bodies to and from Kapi's JSON objects. protobufjs is
 * loaded lazily, on the first decode or encode.
 * @module
 */
export {
  PROTOBUF_MAGIC,
  hasProtobufMagic,
  encodeProtobufEnvelope,
  decodeProtobufEnvelope,
  encodeProtobufWatchFrame,
  decodeProtobufWatchEvent,
  ProtobufWatchFrameReader,
  type ProtobufEnvelope,
  type ProtobufWatchEventFrame,
  type ProtobufWatchFrameReaderOptions,
} from './protobuf/envelope.js';
export {
  PROTOBUF_POINTER_OPTION,
  PROTOBUF_OMITEMPTY_OPTION,
  WELL_KNOWN_MESSAGES,
  protoMessage,
  protoMessages,
  protoListFields,
  type ProtobufDescriptor,
  type ProtoFieldFlags,
  type ProtoFieldSpec,
  type ProtoMessageFields,
} from './protobuf/define.js';
export {
  protobufConversions,
  formatGoDuration,
  parseGoDuration,
  type ProtoFields,
  type ProtobufConversion,
  type ProtobufConversionContext,
} from './protobuf/conversions.js';
export { KUBERNETES_PROTOBUF_DESCRIPTORS } from './protobuf/descriptors.js';
export {
  ProtobufRegistry,
  type ProtobufKind,
  type ProtobufDecodeOptions,
  type ProtobufEncodeOptions,
} from './protobuf/registry.js';
