// Reads that tolerate lag go to a streaming replica (DATABASE_REPLICA_URL): the catalog, the
// schedules, the reports, a customer's ticket list. Everything that decides (holds, checkout,
// payments, refunds, the seat map) stays on the primary.
//
// How stale may a replica read be? A monitor asks, every REPLICA_CHECK_MS, the replica how far it
// has replayed (pg_last_wal_replay_lsn) and then the primary where its WAL ends
// (pg_current_wal_insert_lsn: past every commit record, whatever synchronous_commit says), and keeps
// those primary positions with the time each was taken. A commit
// acknowledged before a sample's time lies at or before its position, so once the replica has
// replayed up to a sample, it holds every commit acknowledged before that sample's time:
// `caughtUpAt`. A read goes to the replica only while now - caughtUpAt <= REPLICA_MAX_LAG_MS; that
// age grows by itself between samples, so a replica that stops streaming, or a monitor that stops
// hearing back, turns into primary reads within the bound. A replica that fails a read (down,
// restarting, a recovery conflict) is marked down at once and that read is run on the primary.
//
// Read-your-writes: a write that some reader must see at once (a customer's purchase, a catalog
// change) leaves a mark in the shared Kv for REPLICA_MAX_LAG_MS + 1 s, and a read of that scope goes
// to the primary while the mark lives. After it expires, the bound above holds the write on any
// replica we read from (docs/decisions.md has the argument). A Kv that cannot answer a read of a
// mark means primary; one that cannot take a mark sends this instance's scoped reads to the
// primary for as long as the mark would have lived. Across instances the marks need REDIS_URL.
import type { Kv } from '../kv/kv.ts';
import type { Db, Sql } from './client.ts';

export interface ReplicaHealth {
  /** false: no replica configured, every read is a primary read */
  configured: boolean;
  /** the replica takes reads now */
  ok: boolean;
  /** how far behind it was at the last check, in ms (when known) */
  lagMs?: number;
  detail: string;
}

export interface Reads {
  /**
   * Where a read that tolerates REPLICA_MAX_LAG_MS goes: the replica while it is within the bound,
   * else the primary. With a scope, also the primary while that scope has a recent write.
   */
  lagTolerant(scope?: string): Promise<Sql>;
  /** After a commit that readers of `scope` must see at once (before the answer is sent). */
  wrote(scope: string): Promise<void>;
  health(): ReplicaHealth;
  close(): Promise<void>;
}

/** The scope of a customer's own tickets, checkouts and refunds ("my tickets"). */
export const customerWrites = (userId: number) => `customer:${userId}`;

/** No replica: every read on the primary, nothing to mark. */
export function primaryReads(db: Db): Reads {
  return {
    lagTolerant: async () => db,
    wrote: async () => {},
    health: () => ({ configured: false, ok: false, detail: 'no replica configured (DATABASE_REPLICA_URL)' }),
    close: async () => {},
  };
}

export interface ReplicaOptions {
  maxLagMs: number;
  checkMs: number;
  /** Kv key prefix of the write marks */
  prefix: string;
  now?: () => number;
}

interface Sample {
  at: number;
  lsn: bigint;
}

/** "16/B374D848" -> a number that orders like the WAL. */
export function lsnOf(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

/**
 * Errors after which the same read may succeed on the primary: the replica unreachable, shutting
 * down or starting (classes 08, 57, 53, 58, XX, or no SQLSTATE at all: a socket error), or a
 * query cancelled by a recovery conflict (40001). A mistake in the query itself (22, 23, 42) would
 * fail on the primary too, a statement timeout (57014) would take as long there, and a write sent
 * to the replica (25006) is a bug to hear about.
 */
export function replicaFault(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  // 57014 is a statement timeout: the same query would run as long on the primary
  if (code === '57014') return false;
  return ['08', '57', '53', '58', 'XX'].includes(code.slice(0, 2)) || code === '40001';
}

export function replicaReads(primary: Db, replica: Db, kv: Kv, opts: ReplicaOptions): Reads {
  const now = opts.now ?? Date.now;
  // primary WAL positions with the time each was asked, oldest first, kept as long as they can matter
  const samples: Sample[] = [];
  let caughtUpAt = Number.NEGATIVE_INFINITY;
  let down: string | undefined = 'not checked yet';
  let lagMs: number | undefined;
  // a mark the Kv would not take: this instance sends every scoped read to the primary until then
  let unmarkedUntil = Number.NEGATIVE_INFINITY;

  const usable = () => down === undefined && now() - caughtUpAt <= opts.maxLagMs;

  const onReplica: Sql = {
    async query(text, params) {
      try {
        return await replica.query(text, params);
      } catch (err) {
        if (!replicaFault(err)) throw err;
        down = `read failed: ${(err as Error).message}`;
        return primary.query(text, params);
      }
    },
    exec: (text) => primary.exec(text),
  };

  const timeout = <T>(p: Promise<T>): Promise<T> =>
    new Promise((ok, fail) => {
      const t = setTimeout(() => fail(new Error(`no answer within ${opts.checkMs * 2} ms`)), opts.checkMs * 2);
      p.then(ok, fail).finally(() => clearTimeout(t));
    });

  async function check(): Promise<void> {
    let replayed: bigint;
    try {
      const [r] = (
        await timeout(
          replica.query<{ lsn: string | null; standby: boolean }>('SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_is_in_recovery() AS standby'),
        )
      ).rows;
      // promoted, or not a standby at all: it no longer follows this primary
      if (!r.standby || r.lsn === null) {
        down = 'not a standby (promoted?)';
        return;
      }
      replayed = lsnOf(r.lsn);
    } catch (err) {
      down = `unreachable: ${(err as Error).message}`;
      return;
    }
    const at = now();
    let head: bigint;
    try {
      head = lsnOf((await timeout(primary.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn'))).rows[0].lsn);
    } catch {
      // the primary is the problem, not the replica: keep what we knew; its age does the rest
      return;
    }
    samples.push({ at, lsn: head });
    // the replica was asked before the primary: replayed >= head means it had everything then
    let newest: Sample | undefined;
    for (const s of samples) if (s.lsn <= replayed) newest = s;
    if (newest && newest.at > caughtUpAt) caughtUpAt = newest.at;
    while (samples.length > 1 && samples[0].at < now() - opts.maxLagMs - 4 * opts.checkMs) samples.shift();
    // -Infinity: not caught up with any sample yet (started behind, or paused)
    lagMs = Number.isFinite(caughtUpAt) ? Math.max(0, now() - caughtUpAt) : undefined;
    down = undefined;
  }

  // one check at a time: a tick that finds the last one still waiting (a slow replica) is skipped
  let busy = true;
  let checking: Promise<void> = check().finally(() => (busy = false));
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    checking = check().finally(() => (busy = false));
  }, opts.checkMs);
  timer.unref();

  const markKey = (scope: string) => `${opts.prefix}wrote:${scope}`;

  return {
    async lagTolerant(scope) {
      if (!usable()) return primary;
      if (scope !== undefined) {
        if (now() < unmarkedUntil) return primary;
        const mark = await kv.get(markKey(scope)).catch(() => 'unknown');
        if (mark !== undefined) return primary;
      }
      return onReplica;
    },
    async wrote(scope) {
      await kv.set(markKey(scope), '1', opts.maxLagMs + 1_000).catch(() => {
        unmarkedUntil = now() + opts.maxLagMs + 1_000;
      });
    },
    health() {
      if (down !== undefined) return { configured: true, ok: false, detail: `replica ${down}; reads go to the primary` };
      if (!Number.isFinite(caughtUpAt)) {
        return {
          configured: true,
          ok: false,
          detail: 'replica has not caught up with the primary since this instance started; reads go to the primary',
        };
      }
      const age = Math.max(0, now() - caughtUpAt);
      if (age > opts.maxLagMs)
        return { configured: true, ok: false, lagMs: age, detail: `replica lags ${age} ms (bound ${opts.maxLagMs} ms); reads go to the primary` };
      return { configured: true, ok: true, lagMs, detail: `replica within ${lagMs} ms` };
    },
    async close() {
      clearInterval(timer);
      await checking.catch(() => {});
      await replica.close();
    },
  };
}
