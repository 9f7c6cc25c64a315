/**
 * The revision log on disk: one SQLite file holding every write as a row, in the manner of k3s's
 * kine (k3s-io/kine pkg/drivers/generic). The latest row of a key is its state; a tombstone row
 * (`deleted = 1`) ends it. Reading "the state at revision R" means the latest row per key at or
 * below R. All calls are synchronous (better-sqlite3); callers keep each one short.
 * @module
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';

/** Raised when the file is already open in another process (or another store in this one). */
export class SqliteStorageLockedError extends Error {
  constructor(
    /** The file that is locked. */
    readonly path: string,
  ) {
    super(
      `cannot open the SQLite storage file ${path}: another Kapi process holds it (the file is locked; stop that process or use another file)`,
    );
    this.name = 'SqliteStorageLockedError';
  }
}

/** How hard a commit is made durable (SQLite `PRAGMA synchronous`). */
export type SynchronousMode = 'FULL' | 'NORMAL';

/** One row of the log. */
export interface LogRow {
  revision: number;
  key: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: string;
}

/** A row of the log as a watch reads it: the row plus the value it superseded. */
export interface LogRowWithPrev extends LogRow {
  prev_value: string | null;
}

/** The latest live row of a key (the state a read sees). */
export interface CurrentRow {
  revision: number;
  createRevision: number;
  value: string;
}

/** A write to apply: compare-and-swap against the revision the caller read. */
export interface Mutation {
  key: string;
  /** `put` writes `value`; `delete` writes a tombstone. */
  op: 'put' | 'delete';
  /** The revision the key must be at for the write to apply; 0 means "must not exist". */
  expectRevision: number;
  /** The JSON to store (for `put`). */
  value?: string;
}

/** What applying one mutation did. */
export type MutationOutcome =
  { ok: true; event: LogEvent } | { ok: false; current: CurrentRow | undefined };

/** One committed change, as watchers receive it. */
export interface LogEvent {
  revision: number;
  key: string;
  /** True when this write created the key (it did not exist before). */
  created: boolean;
  deleted: boolean;
  /** The stored JSON; for a deletion, the object that was deleted. */
  value: string;
  /** The JSON this write superseded (absent for creations). */
  prevValue: string | undefined;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  revision INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_revision ON log (key, revision);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
`;

/** Options of {@link RevisionLog.open}. */
export interface RevisionLogOptions {
  path: string;
  synchronous: SynchronousMode;
}

interface LatestRow {
  revision: number;
  deleted: number;
  create_revision: number;
  value: string;
}

function live(row: LatestRow | undefined): CurrentRow | undefined {
  if (row === undefined || row.deleted === 1) return undefined;
  return { revision: row.revision, createRevision: row.create_revision, value: row.value };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/** The log file: its connection, its prepared statements and the few queries the store needs. */
export class RevisionLog {
  private readonly db: Db;
  private readonly stmts: ReturnType<typeof prepare>;
  /** The highest revision written (or compacted to); the next write gets one more. */
  revision: number;
  /** Reads below this revision are gone (410 Expired). */
  compactRevision: number;

  private readonly applyTx: (mutations: readonly Mutation[]) => MutationOutcome[];

  private constructor(db: Db) {
    this.db = db;
    this.stmts = prepare(db);
    this.applyTx = db.transaction((batch: readonly Mutation[]) =>
      batch.map((m) => this.applyOne(m)),
    );
    const compacted = this.stmts.getMeta.get('compact_revision') as { value: number } | undefined;
    const max = this.stmts.maxRevision.get() as { max: number | null };
    this.compactRevision = compacted?.value ?? 0;
    // Compaction may remove the newest rows (tombstones), so the compact revision bounds it too;
    // an empty log starts at 1, as etcd does.
    this.revision = Math.max(max.max ?? 0, this.compactRevision, 1);
  }

  /**
   * Opens (creating if needed) the log file and takes an exclusive lock on it for the life of the
   * connection. The lock is SQLite's own file lock, so the OS drops it when the process dies.
   */
  static open(options: RevisionLogOptions): RevisionLog {
    let db: Db | undefined;
    try {
      // the file holds every object, Secrets included: create it readable by its owner only
      // (SQLite gives its WAL and shm files the same mode)
      if (options.path !== ':memory:' && options.path !== '' && !existsSync(options.path)) {
        closeSync(openSync(options.path, 'a', 0o600));
      }
      // timeout 0: a locked file fails at once instead of waiting
      db = new Database(options.path, { timeout: 0 });
      // EXCLUSIVE before the first WAL access: no shared-memory index, and the lock is held until close
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous}`);
      // the WAL file shrinks back to this after a checkpoint instead of keeping its peak size
      db.pragma('journal_size_limit = 67108864');
      db.exec('BEGIN EXCLUSIVE');
      try {
        db.exec(SCHEMA);
        const version = db
          .prepare('SELECT value FROM meta WHERE name = ?')
          .get('schema_version') as { value: number } | undefined;
        if (version !== undefined && version.value !== SCHEMA_VERSION) {
          throw new Error(
            `the SQLite storage file ${options.path} has schema version ${version.value}; this Kapi reads version ${SCHEMA_VERSION}`,
          );
        }
        // a write, so the exclusive lock is taken now and not at the first request
        db.prepare('INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)').run(
          'schema_version',
          SCHEMA_VERSION,
        );
        db.exec('COMMIT');
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw err;
      }
      return new RevisionLog(db);
    } catch (err) {
      db?.close();
      if (isBusy(err)) throw new SqliteStorageLockedError(options.path);
      throw err;
    }
  }

  /** The latest live row of `key`, or undefined when it does not exist. */
  current(key: string): CurrentRow | undefined {
    return live(this.stmts.latest.get(key) as LatestRow | undefined);
  }

  /**
   * The revision and JSON of the latest live row of `key`: the read path of a get, kept lean. One
   * text column (`<revision>:<json>`) is markedly cheaper to hand to JavaScript than three columns.
   */
  read(key: string): [revision: number, value: string] | undefined {
    const row = this.stmts.read.get(key) as string | null | undefined;
    if (row === undefined || row === null) return undefined;
    const colon = row.indexOf(':');
    return [Number(row.slice(0, colon)), row.slice(colon + 1)];
  }

  /** The live row of `key` as of `revision`. */
  currentAt(key: string, revision: number): CurrentRow | undefined {
    return live(this.stmts.latestAt.get(key, revision) as LatestRow | undefined);
  }

  /**
   * Up to `limit` live rows with `start <= key < end` (or `key > start` when `startExclusive`) as of
   * `revision`, in key order. One bounded query: callers page by calling again after the last key.
   */
  rangeAt(
    start: string,
    startExclusive: boolean,
    end: string,
    revision: number,
    limit: number,
  ): { key: string; revision: number; value: string }[] {
    const stmt = startExclusive ? this.stmts.rangeAfter : this.stmts.rangeFrom;
    return stmt.all(start, end, revision, limit) as {
      key: string;
      revision: number;
      value: string;
    }[];
  }

  /** Up to `limit` keys (live ones only) after the same bounds as {@link rangeAt}, for counting. */
  rangeKeysAt(
    start: string,
    startExclusive: boolean,
    end: string,
    revision: number,
    limit: number,
  ): string[] {
    const stmt = startExclusive ? this.stmts.keysAfter : this.stmts.keysFrom;
    return stmt.all(start, end, revision, limit) as string[];
  }

  /**
   * Rows written after `after` and at or below `upTo` for keys in `[start, end)`, oldest first, at
   * most `limit`; each with the value it superseded (for watch predicates).
   */
  changesSince(
    after: number,
    upTo: number,
    start: string,
    end: string,
    limit: number,
  ): LogRowWithPrev[] {
    return this.stmts.changes.all(after, upTo, start, end, limit) as LogRowWithPrev[];
  }

  /**
   * Applies the mutations in one transaction (one commit, one fsync), each a compare-and-swap
   * against the key's latest row. A failed compare leaves the others untouched.
   */
  apply(mutations: readonly Mutation[]): MutationOutcome[] {
    const before = this.revision;
    try {
      return this.applyTx(mutations);
    } catch (err) {
      this.revision = before;
      throw err;
    }
  }

  private applyOne(m: Mutation): MutationOutcome {
    const latest = this.stmts.latest.get(m.key) as LatestRow | undefined;
    const cur = live(latest);
    if ((cur?.revision ?? 0) !== m.expectRevision) return { ok: false, current: cur };
    if (m.op === 'delete' && cur === undefined) return { ok: false, current: undefined };
    const revision = this.revision + 1;
    const deleted = m.op === 'delete';
    // a tombstone keeps the deleted object, which DELETED events carry
    const value = deleted ? cur!.value : m.value!;
    this.stmts.insert.run(
      revision,
      m.key,
      cur === undefined ? 1 : 0,
      deleted ? 1 : 0,
      cur?.createRevision ?? revision,
      latest?.revision ?? 0,
      value,
    );
    this.revision = revision;
    return {
      ok: true,
      event: {
        revision,
        key: m.key,
        created: cur === undefined,
        deleted,
        value,
        prevValue: cur?.value,
      },
    };
  }

  /** Records a new compact revision (reads below it then fail with 410). */
  setCompactRevision(revision: number): void {
    this.stmts.setMeta.run('compact_revision', revision);
    this.compactRevision = revision;
  }

  /** The lowest revision still stored, or undefined for an empty log. */
  oldestRevision(): number | undefined {
    const row = this.stmts.minRevision.get() as { min: number | null };
    return row.min ?? undefined;
  }

  /**
   * Deletes the rows in `(from, to]` that no read at or above `keepFrom` can see: rows superseded
   * by a row at or below `keepFrom`, and tombstones at or below it. Returns how many went.
   */
  compactWindow(from: number, to: number, keepFrom: number): number {
    return this.stmts.compactWindow.run({ from, to, keep: keepFrom }).changes;
  }

  /** Runs a trivial query: throws when the file cannot be read. */
  ping(): void {
    this.stmts.ping.get();
  }

  /** True while the connection is open. */
  get open(): boolean {
    return this.db.open;
  }

  /** Closes the connection (and so releases the lock). */
  close(): void {
    if (this.db.open) this.db.close();
  }
}

// Latest row per key at or below a revision: SQLite fills bare columns from the row that holds
// MAX(), so `deleted` and `value` belong to that row (https://sqlite.org/lang_select.html#bareagg).
const RANGE = (startOp: '>=' | '>', columns: string): string => `
  SELECT ${columns} FROM (
    SELECT key, MAX(revision) AS revision, deleted, value FROM log
    WHERE key ${startOp} ? AND key < ? AND revision <= ?
    GROUP BY key HAVING deleted = 0
  ) ORDER BY key LIMIT ?`;

function prepare(db: Db) {
  const s = (sql: string): Statement => db.prepare(sql);
  return {
    ping: s('SELECT 1'),
    getMeta: s('SELECT value FROM meta WHERE name = ?'),
    setMeta: s('INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)'),
    maxRevision: s('SELECT MAX(revision) AS max FROM log'),
    minRevision: s('SELECT MIN(revision) AS min FROM log'),
    latest: s(
      'SELECT revision, deleted, create_revision, value FROM log WHERE key = ? ORDER BY revision DESC LIMIT 1',
    ),
    read: s(
      "SELECT CASE WHEN deleted = 1 THEN NULL ELSE revision || ':' || value END FROM log WHERE key = ? ORDER BY revision DESC LIMIT 1",
    ).pluck(),
    latestAt: s(
      'SELECT revision, deleted, create_revision, value FROM log WHERE key = ? AND revision <= ? ORDER BY revision DESC LIMIT 1',
    ),
    insert: s(
      'INSERT INTO log (revision, key, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    rangeFrom: s(RANGE('>=', 'key, revision, value')),
    rangeAfter: s(RANGE('>', 'key, revision, value')),
    keysFrom: s(RANGE('>=', 'key')).pluck(),
    keysAfter: s(RANGE('>', 'key')).pluck(),
    changes: s(`
      SELECT l.revision, l.key, l.created, l.deleted, l.create_revision, l.prev_revision, l.value,
             p.value AS prev_value
      FROM log l LEFT JOIN log p ON p.revision = l.prev_revision AND l.created = 0
      WHERE l.revision > ? AND l.revision <= ? AND l.key >= ? AND l.key < ?
      ORDER BY l.revision LIMIT ?`),
    // Superseded rows go before or with their tombstone (windows run oldest first), so a key
    // never comes back to life between two windows.
    compactWindow: s(`
      DELETE FROM log WHERE revision IN (
        SELECT l.revision FROM log l
        WHERE l.revision > :from AND l.revision <= :to AND l.revision <= :keep
          AND (l.deleted = 1 OR EXISTS (
            SELECT 1 FROM log n WHERE n.key = l.key AND n.revision > l.revision AND n.revision <= :keep
          ))
      )`),
  };
}
