/**
 * A connected pair of in-memory sockets: what one side writes the other reads, with backpressure.
 * Node's own HTTP server and client run over them unchanged, so injected requests go through the
 * real HTTP parser, streaming responses and websocket upgrades included, without a port.
 * @module
 */
import { Duplex } from 'node:stream';

/** One end of an in-memory connection; has the socket methods node's HTTP code calls. */
export class MemorySocket extends Duplex {
  /** Where this end's writes go. */
  peer: MemorySocket | undefined;
  readonly remoteAddress = '127.0.0.1';
  readonly remoteFamily = 'IPv4';
  readonly remotePort: number;
  readonly localAddress = '127.0.0.1';
  readonly localPort: number;
  /** The peer's write this side could not take yet: completed when this side is read again. */
  private blocked: (() => void) | undefined;

  constructor(localPort: number, remotePort: number) {
    super({ allowHalfOpen: true });
    this.localPort = localPort;
    this.remotePort = remotePort;
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const peer = this.peer;
    if (peer === undefined || peer.destroyed) {
      callback(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      return;
    }
    if (peer.push(chunk)) callback();
    else
      peer.blocked = () => {
        callback();
      };
  }

  override _read(): void {
    // the peer's write that filled this side's buffer may go on now
    const resume = this.blocked;
    this.blocked = undefined;
    resume?.();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    const resume = this.blocked;
    this.blocked = undefined;
    resume?.();
    // as a closed TCP connection: what was sent still arrives, then the other end reads EOF
    if (peer !== undefined && !peer.destroyed) peer.push(null);
    callback(error);
  }

  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: 'IPv4', port: this.localPort };
  }
}

let nextPort = 40000;

/** Makes a connected pair: `[client, server]`. */
export function memorySocketPair(): [MemorySocket, MemorySocket] {
  const clientPort = nextPort++;
  if (nextPort > 65000) nextPort = 40000;
  const client = new MemorySocket(clientPort, 443);
  const server = new MemorySocket(443, clientPort);
  client.peer = server;
  server.peer = client;
  return [client, server];
}
