/**
 * `@kapi/server/testing`: an in-process API server for hosts' own tests, booting in milliseconds
 * on memory storage, with requests injected without a socket, a small typed client, and a real
 * HTTPS listener with a kubeconfig when a test needs kubectl.
 * @packageDocumentation
 */
export * from './server.js';
export * from './client.js';
export * from './memory-socket.js';
