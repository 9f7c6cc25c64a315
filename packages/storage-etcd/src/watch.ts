/**
 * A storage watch on one etcd gRPC watch stream, as k8s.io/apiserver pkg/storage/etcd3/watcher.go:
 * optional initial state, then etcd events with their previous values turned into
 * ADDED/MODIFIED/DELETED through the predicate, progress notifications as bookmarks.
 *
 * The stream is re-opened after any break (etcd restarted, connection lost) at the revision after
 * the last one delivered, so no event is lost or repeated; the etcd3 client's own watcher resumes
 * at the response header revision, which can skip events a catching-up watcher has not received.
 *
 * Progress on demand ({@link EtcdWatch.requestProgress}) does not use etcd's RequestProgress:
 * before etcd 3.4.31 / 3.5.13 its answer can overtake events still queued for the watch
 * (etcd-io/etcd#15220, #17507; kube's ConsistentListFromCache needs those versions), and 3.4.23 is
 * what Kapi is tested on. A {@link ProgressProbe} proves the watch's position instead.
 * @module
 */
import { ClientClosedError } from 'etcd3';
import type { Etcd3, IEvent, IWatchCreateRequest, IWatchResponse } from 'etcd3';
import { resourceExpired, serviceUnavailable, toStatus } from '@kapi/apimachinery';
import type { KubeObject, Status } from '@kapi/apimachinery';
import { isStorageError } from '@kapi/storage';
import type { Predicate, StorageWatchEvent, WatchOptions, Watcher } from '@kapi/storage';
import { decodeObject } from './codec.js';
import { AsyncQueue } from './queue.js';

/** What a watch needs from its store. */
export interface WatchSource {
  client: Etcd3;
  /** The etcd key, or the first key of the watched range. */
  key: Buffer;
  /** The end of the watched range; absent for a single key. */
  rangeEnd: Buffer | undefined;
  reconnectMaxMs: number;
  /** Pages of the current state (filtered by the predicate); returns the revision they were read at. */
  initialState(signal: AbortSignal): AsyncGenerator<KubeObject[], number>;
  currentRevision(signal: AbortSignal): Promise<number>;
  /** Maps an etcd client error to the store's error. */
  interpretError(err: unknown): unknown;
  onStop(watch: EtcdWatch): void;
}

/** The watch options with the resourceVersion already parsed. */
export interface EtcdWatchOptions extends WatchOptions {
  startRevision: number | undefined;
}

/** The parts of a gRPC duplex stream a watch uses. */
interface WatchStream {
  on(event: 'data', fn: (res: IWatchResponse) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
  write(req: { create_request: IWatchCreateRequest }): void;
  end(): void;
  cancel(): void;
  pause?(): void;
  resume?(): void;
}

/** Past this many undelivered events the stream is paused (etcd then holds them back). */
const pauseAbove = 1000;
const resumeBelow = 100;
const firstReconnectDelayMs = 50;
/** A progress probe that hears nothing from etcd for this long gives up. */
const probeIdleMs = 10_000;

/** Ends a stream without the etcd3 client taking the cancel for a failed host. */
function closeStream(stream: WatchStream): void {
  try {
    // half-closed first, so the client's error hook sees a stream that is not writable
    stream.end();
    stream.cancel();
  } catch {
    // already closed
  }
}

function matches(predicate: Predicate | undefined, obj: KubeObject): boolean {
  if (predicate === undefined || predicate.empty) return true;
  try {
    return predicate.matches(obj);
  } catch {
    return false;
  }
}

function statusOf(err: unknown): Status {
  if (isStorageError(err, 'Unreachable')) return serviceUnavailable(err.message).status;
  return toStatus(err);
}

/** One running watch; iterate it for events. */
export class EtcdWatch implements Watcher {
  private readonly queue = new AsyncQueue<StorageWatchEvent>();
  private readonly abort = new AbortController();
  private stopped = false;
  private nextRevision = 0;
  /** The revision of the last event or bookmark sent, so bookmarks never go back. */
  private lastSent = 0;
  private generation = 0;
  private stream: WatchStream | undefined;
  private paused = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = firstReconnectDelayMs;
  /** `nextRevision` is known (the initial state, if any, is queued). */
  private prepared = false;
  /** The revision the watch started at: no bookmark below it. */
  private floor = 0;
  /** The highest revision a progress request wants a bookmark at; 0 when none is pending. */
  private progressTarget = 0;
  private probe: ProgressProbe | undefined;
  /** A probe's finding, applied once the stream has delivered through its last change in range. */
  private proof: ProbeResult | undefined;
  /** Where the last probe etcd refused (compacted, not permitted) started: not retried there. */
  private refusedProbeFrom = -1;
  private readonly onAbort = () => {
    this.stop();
  };

  constructor(
    private readonly source: WatchSource,
    private readonly options: EtcdWatchOptions,
  ) {
    this.queue.onDrain = (size) => {
      if (this.paused && size <= resumeBelow) {
        this.paused = false;
        this.stream?.resume?.();
      }
    };
  }

  /** Begins reading; called once by the store. */
  start(): void {
    const signal = this.options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.stop();
        return;
      }
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    void this.run();
  }

  /** True when the watch asked for progress notifications it can receive as bookmarks. */
  get wantsProgress(): boolean {
    return this.options.allowBookmarks === true && this.options.progressNotify === true;
  }

  /**
   * Asks for a BOOKMARK at `revision` (etcd's current revision, read by the caller) or later,
   * delivered after every event up to it; ignored unless {@link wantsProgress}.
   */
  requestProgress(revision: number): void {
    if (this.stopped || !this.wantsProgress) return;
    this.progressTarget = Math.max(this.progressTarget, revision);
    this.settleProgress();
  }

  private async run(): Promise<void> {
    try {
      this.nextRevision = await this.prepare();
      this.floor = this.nextRevision - 1;
      this.prepared = true;
      this.settleProgress();
      if (!this.stopped) this.connect();
    } catch (err) {
      if (!this.stopped) this.fail(err);
    }
  }

  /** Sends the initial state when asked for; resolves to the first revision to watch from. */
  private async prepare(): Promise<number> {
    const { startRevision, sendInitialEvents } = this.options;
    const fromNow = startRevision === undefined || startRevision === 0;
    const sendState = sendInitialEvents ?? fromNow;
    if (!sendState) {
      // sendInitialEvents=false without a resourceVersion starts at the current revision
      if (fromNow) return (await this.source.currentRevision(this.abort.signal)) + 1;
      return startRevision + 1;
    }
    const pages = this.source.initialState(this.abort.signal);
    let step = await pages.next();
    while (step.done !== true) {
      for (const obj of step.value) this.emit({ type: 'ADDED', object: obj });
      step = await pages.next();
    }
    const revision = step.value;
    if (sendInitialEvents === true && this.options.allowBookmarks === true) {
      // as kube's cacher: the end of the initial events is a bookmark with this annotation
      this.emitBookmark(revision, { 'k8s.io/initial-events-end': 'true' });
    }
    this.lastSent = Math.max(this.lastSent, revision);
    return revision + 1;
  }

  private connect(): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.source.client.watchClient.watch().then(
      (opened) => {
        const stream = opened as unknown as WatchStream;
        if (this.stopped || generation !== this.generation) {
          stream.on('error', () => undefined);
          closeStream(stream);
          return;
        }
        this.stream = stream;
        stream.on('data', (res) => {
          this.onResponse(generation, res);
        });
        stream.on('error', (err) => {
          this.onBroken(generation, err);
        });
        stream.on('end', () => {
          this.onBroken(generation, new Error('watch stream ended'));
        });
        const create: IWatchCreateRequest = {
          key: this.source.key,
          start_revision: this.nextRevision,
          prev_kv: true,
          // progress notifications keep the resume revision fresh and become bookmarks
          progress_notify: true,
        };
        if (this.source.rangeEnd !== undefined) create.range_end = this.source.rangeEnd;
        stream.write({ create_request: create });
      },
      (err: unknown) => {
        this.onBroken(generation, err);
      },
    );
  }

  private onBroken(generation: number, err: unknown): void {
    if (this.stopped || generation !== this.generation) return;
    if (err instanceof ClientClosedError) {
      this.fail(this.source.interpretError(err));
      return;
    }
    this.generation++;
    const stream = this.stream;
    this.stream = undefined;
    this.paused = false;
    if (stream !== undefined) closeStream(stream);
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, Math.max(this.source.reconnectMaxMs, 1));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay);
  }

  private onResponse(generation: number, res: IWatchResponse): void {
    if (this.stopped || generation !== this.generation) return;
    if (res.canceled) {
      const compacted = Number(res.compact_revision);
      if (compacted > 0) {
        this.expire(compacted);
        return;
      }
      this.onBroken(generation, new Error(`etcd canceled the watch: ${res.cancel_reason}`));
      return;
    }
    if (res.created) {
      this.reconnectDelayMs = firstReconnectDelayMs;
      return;
    }
    if (res.events.length === 0) {
      this.onProgress(Number(res.header.revision));
      return;
    }
    let last = 0;
    try {
      for (const event of res.events) {
        const revision = Number(event.kv.mod_revision);
        if (revision < this.nextRevision) continue; // already delivered before a reconnect
        this.deliver(event, revision);
        last = Math.max(last, revision);
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    if (last >= this.nextRevision) this.nextRevision = last + 1;
    this.settleProgress();
  }

  /** A progress notification: every event up to `revision` was delivered. */
  private onProgress(revision: number): void {
    if (revision < this.nextRevision - 1) return;
    this.nextRevision = revision + 1;
    if (this.options.allowBookmarks === true && revision >= this.lastSent) {
      this.emitBookmark(revision);
    }
    this.settleProgress();
  }

  /**
   * Answers a pending progress request once the stream has delivered through its target: with a
   * bookmark, after the events already queued. Until then a probe finds where the stream must get.
   */
  private settleProgress(): void {
    if (!this.prepared || this.stopped || this.progressTarget === 0) return;
    const proof = this.proof;
    if (proof !== undefined && this.nextRevision - 1 >= proof.lastInRange) {
      this.proof = undefined;
      // the probe saw no change in range after lastInRange up to its revision
      if (proof.revision >= this.nextRevision) this.nextRevision = proof.revision + 1;
    }
    const position = this.nextRevision - 1;
    if (position >= this.progressTarget) {
      const revision = Math.max(this.progressTarget, this.lastSent);
      this.progressTarget = 0;
      this.proof = undefined;
      this.probe?.stop();
      this.probe = undefined;
      if (revision >= this.floor) this.emitBookmark(revision);
      return;
    }
    if (this.probe !== undefined) {
      this.probe.raise(this.progressTarget);
    } else if (this.proof === undefined && position + 1 !== this.refusedProbeFrom) {
      const probe = new ProgressProbe(this.source, position + 1, this.progressTarget, (outcome) => {
        this.onProbeDone(probe, outcome);
      });
      this.probe = probe;
      probe.start();
    }
  }

  private onProbeDone(probe: ProgressProbe, outcome: ProbeOutcome): void {
    if (this.probe !== probe) return;
    this.probe = undefined;
    // a failed probe is tried again on the next request, never in a loop
    if (outcome === 'refused') this.refusedProbeFrom = probe.from;
    if (outcome === 'refused' || outcome === 'broken') return;
    this.proof = outcome;
    this.settleProgress();
  }

  /** One etcd event through the predicate, as kube's watchChan.transform. */
  private deliver(event: IEvent, revision: number): void {
    const predicate = this.options.predicate;
    const filtering = predicate !== undefined && !predicate.empty;
    const previous = event.prev_kv ?? undefined;
    if (event.type === 'Delete') {
      // the object as it was, at the deletion revision
      if (previous === undefined) return; // its last state was compacted away
      const old = decodeObject(previous.value, revision);
      if (matches(predicate, old)) this.emit({ type: 'DELETED', object: old });
      return;
    }
    const current = decodeObject(event.kv.value, revision);
    if (event.kv.create_revision === event.kv.mod_revision) {
      if (matches(predicate, current)) this.emit({ type: 'ADDED', object: current });
      return;
    }
    if (!filtering) {
      this.emit({ type: 'MODIFIED', object: current });
      return;
    }
    const old = previous === undefined ? undefined : decodeObject(previous.value, revision);
    const nowMatches = matches(predicate, current);
    const usedToMatch = old !== undefined && matches(predicate, old);
    if (nowMatches && usedToMatch) this.emit({ type: 'MODIFIED', object: current });
    else if (nowMatches) this.emit({ type: 'ADDED', object: current });
    else if (usedToMatch && old !== undefined) this.emit({ type: 'DELETED', object: old });
  }

  /** The start revision was compacted: one 410 ERROR, then the end (message as kube's watch cache). */
  private expire(compactRevision: number): void {
    const requested = this.nextRevision - 1;
    const err = resourceExpired(
      `too old resource version: ${requested} (${Math.max(compactRevision - 1, 0)})`,
    );
    this.queue.push({ type: 'ERROR', object: err.status });
    this.shutDown();
  }

  private fail(err: unknown): void {
    this.queue.push({ type: 'ERROR', object: statusOf(this.source.interpretError(err)) });
    this.shutDown();
  }

  private emitBookmark(revision: number, annotations?: Record<string, string>): void {
    const metadata: KubeObject['metadata'] = { resourceVersion: String(revision) };
    if (annotations !== undefined) metadata.annotations = annotations;
    this.emit({ type: 'BOOKMARK', object: { metadata } });
  }

  private emit(event: StorageWatchEvent): void {
    if (this.stopped) return;
    const rv = Number(event.object.metadata?.resourceVersion ?? 0);
    if (rv > this.lastSent) this.lastSent = rv;
    this.queue.push(event);
    if (!this.paused && this.queue.size >= pauseAbove && this.stream?.pause !== undefined) {
      this.paused = true;
      this.stream.pause();
    }
  }

  /** Ends the watch: the iteration finishes after the event being read; what is queued is dropped. Idempotent. */
  stop(): void {
    this.shutDown();
    this.queue.clear();
  }

  /** Stops reading from etcd; the consumer still gets what is queued (such as a final ERROR). */
  private shutDown(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    this.probe?.stop();
    this.probe = undefined;
    this.abort.abort();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    if (stream !== undefined) closeStream(stream);
    this.queue.end();
    this.source.onStop(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<StorageWatchEvent, undefined> {
    return {
      next: () => this.queue.next(),
      return: () => {
        this.stop();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}

/**
 * What a probe found: every change in etcd up to `revision` was seen, and the last one in the
 * watched range was at `lastInRange` (0: none since the probe's start).
 */
interface ProbeResult {
  revision: number;
  lastInRange: number;
}

/** How a probe ended: a finding, `refused` by etcd (compacted, not permitted), or `broken`. */
type ProbeOutcome = ProbeResult | 'refused' | 'broken';

/** True when `key` is in the range a watch covers (`end` undefined: the single key `start`). */
function inRange(key: Buffer, start: Buffer, end: Buffer | undefined): boolean {
  if (end === undefined) return key.equals(start);
  if (Buffer.compare(key, start) < 0) return false;
  return (end.length === 1 && end[0] === 0) || Buffer.compare(key, end) < 0;
}

/**
 * Proves how far a watch has got without etcd's RequestProgress: a short-lived watch of the whole
 * key space from the watch's next revision until it passes the target. etcd sends each watch's
 * events in revision order, never splitting a revision, and every revision is a write somewhere,
 * so once the probe has seen the target it has seen every change up to it; the watch has then
 * delivered everything up to the target as soon as it has delivered the last of those changes in
 * its own range. Costs one read of the changes since the watch's position, all keys; etcd keeps
 * no history below a compaction, so a watch whose position was compacted cannot be probed.
 */
class ProgressProbe {
  private stream: WatchStream | undefined;
  private stopped = false;
  private seen = 0;
  private lastInRange = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: WatchSource,
    /** The first revision probed: the watch's next one. */
    readonly from: number,
    private target: number,
    private readonly done: (outcome: ProbeOutcome) => void,
  ) {}

  start(): void {
    this.touch();
    this.source.client.watchClient.watch().then(
      (opened) => {
        const stream = opened as unknown as WatchStream;
        if (this.stopped) {
          stream.on('error', () => undefined);
          closeStream(stream);
          return;
        }
        this.stream = stream;
        stream.on('data', (res) => {
          this.onResponse(res);
        });
        stream.on('error', () => {
          this.finish('broken');
        });
        stream.on('end', () => {
          this.finish('broken');
        });
        // every key: from "\0" to the end of the key space
        stream.write({
          create_request: {
            key: Buffer.from([0]),
            range_end: Buffer.from([0]),
            start_revision: this.from,
          },
        });
      },
      () => {
        this.finish('broken');
      },
    );
  }

  /** Keeps probing up to a higher target. */
  raise(target: number): void {
    this.target = Math.max(this.target, target);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.idleTimer);
    const stream = this.stream;
    this.stream = undefined;
    if (stream !== undefined) closeStream(stream);
  }

  private onResponse(res: IWatchResponse): void {
    if (this.stopped) return;
    this.touch();
    if (res.canceled) {
      this.finish('refused');
      return;
    }
    if (res.created) return;
    if (res.events.length === 0) {
      // etcd sends a progress notification only to a watch that is in sync
      this.seen = Math.max(this.seen, Number(res.header.revision));
    }
    for (const event of res.events) {
      const revision = Number(event.kv.mod_revision);
      this.seen = Math.max(this.seen, revision);
      if (inRange(event.kv.key, this.source.key, this.source.rangeEnd)) {
        this.lastInRange = Math.max(this.lastInRange, revision);
      }
    }
    if (this.seen >= this.target) {
      this.finish({ revision: this.seen, lastInRange: this.lastInRange });
    }
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.finish('broken');
    }, probeIdleMs);
    this.idleTimer.unref();
  }

  private finish(outcome: ProbeOutcome): void {
    if (this.stopped) return;
    this.stop();
    this.done(outcome);
  }
}
