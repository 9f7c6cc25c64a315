/**
 * Loads protobufjs on first use. Nothing else in Kapi imports it at run time, so servers that never
 * see a protobuf body never load it.
 * @module
 */
import type * as Protobufjs from 'protobufjs';

/** The protobufjs module. */
export type ProtobufjsModule = (typeof Protobufjs)['default'];

let loading: Promise<ProtobufjsModule> | undefined;

/** Imports protobufjs once (the promise is cached; a failed import is retried on the next call). */
export function loadProtobufjs(): Promise<ProtobufjsModule> {
  const promise = (loading ??= import('protobufjs').then(
    (mod) => mod.default,
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  ));
  return promise;
}
