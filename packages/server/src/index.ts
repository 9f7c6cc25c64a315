/**
 * `@kapi/server`: the filter chain and (as it grows) the REST endpoints, discovery, OpenAPI,
 * health, metrics and serving that turn a host's types into a Kubernetes API.
 * @packageDocumentation
 */
export * from './handler.js';
export * from './request-info.js';
export * from './long-running.js';
export * from './duration.js';
export * from './response.js';
export * from './auth.js';
export * from './chain.js';
export * from './filters/panic-recovery.js';
export * from './filters/request-info.js';
export * from './filters/max-in-flight.js';
export * from './filters/timeout.js';
export * from './filters/cors.js';
export * from './filters/cache-control.js';
export * from './filters/authentication.js';
export * from './filters/authorization.js';
export * from './filters/warnings.js';
export * from './health.js';
export * from './metrics.js';
export * from './serving/certs.js';
export * from './serving/server.js';
export * from './jsonpath.js';
export * from './table.js';
export * from './registry/strategy.js';
export * from './registry/store.js';
export * from './discovery.js';
export * from './admission.js';
export * from './endpoints/api.js';
export * from './endpoints/resource.js';
export * from './endpoints/not-found.js';
export * from './server.js';
export * from './openapi/index.js';
export type { ScaleSubresourceConfig, Scale } from './endpoints/scale.js';
export { SCALE_GVK } from './endpoints/scale.js';
export * from './patch/index.js';
export * from './managedfields/index.js';
export * from './filters/audit.js';
export * from './serving/http2.js';
export * from './serving/websocket.js';
export * from './adapters/node.js';
export * from './adapters/express.js';
export * from './adapters/fastify.js';
export * from './endpoints/watch.js';
