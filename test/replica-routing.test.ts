// Where a lag-tolerant read goes (db/replica.ts), against stand-in databases whose WAL positions the
// test moves: the replica while it has replayed what the primary had within REPLICA_MAX_LAG_MS, the
// primary past that bound, after a failed replica read, and for a scope with a recent write.
// test/replica.test.ts does the same against a real streaming replica.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db, QueryResult } from '../src/db/client.ts';
import { lsnOf, replicaFault, replicaReads } from '../src/db/replica.ts';
import type { Kv } from '../src/kv/kv.ts';
import { memoryKv } from '../src/kv/memory.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in server: answers the monitor's WAL questions, and any other query with its name. */
function server(name: string, wal: { lsn: string; standby?: boolean; failing?: boolean }): Db {
  const answer = async <R>(text: string): Promise<QueryResult<R>> => {
    if (wal.failing) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (text.includes('pg_last_wal_replay_lsn')) return { rows: [{ lsn: wal.lsn, standby: wal.standby ?? true }] as R[], rowCount: 1 };
    if (text.includes('pg_current_wal_insert_lsn')) return { rows: [{ lsn: wal.lsn }] as R[], rowCount: 1 };
    return { rows: [{ served_by: name }] as R[], rowCount: 1 };
  };
  return { kind: 'postgres', query: answer, exec: async () => {}, tx: async () => assert.fail('no transactions here'), close: async () => {} };
}

const servedBy = async (reads: ReturnType<typeof replicaReads>, scope?: string) =>
  ((await (await reads.lagTolerant(scope)).query<{ served_by: string }>('SELECT 1')).rows[0] as { served_by: string }).served_by;

function setup(kv: Kv = memoryKv(), start = { head: '0/100', replayed: '0/100' }) {
  const head = { lsn: start.head };
  const replayed = { lsn: start.replayed, standby: true, failing: false };
  const reads = replicaReads(server('primary', head), server('replica', replayed), kv, { maxLagMs: 200, checkMs: 20, prefix: 'replica:' });
  return { head, replayed, reads };
}

describe('replica routing', () => {
  test('WAL positions order as the WAL does; faults worth a retry on the primary are told from query mistakes', () => {
    assert.ok(lsnOf('0/FFFFFFFF') < lsnOf('1/0'));
    assert.ok(lsnOf('16/B374D848') > lsnOf('16/B374D847'));
    assert.equal(replicaFault(new Error('Connection terminated unexpectedly')), true);
    assert.equal(replicaFault({ code: 'ECONNREFUSED' }), true);
    assert.equal(replicaFault({ code: '57P01' }), true, 'admin shutdown');
    assert.equal(replicaFault({ code: '40001' }), true, 'canceled by a recovery conflict');
    assert.equal(replicaFault({ code: '42P01' }), false, 'undefined table: the primary would say the same');
    assert.equal(replicaFault({ code: '57014' }), false, 'a statement timeout would take as long on the primary');
    assert.equal(replicaFault({ code: '25006' }), false, 'a write sent to the replica is a bug, not a fault');
  });

  test('a replica within the bound takes the reads; one stuck behind loses them once the bound passes', async () => {
    const { head, replayed, reads } = setup();
    try {
      await sleep(60);
      assert.equal(await servedBy(reads), 'replica');
      assert.equal(reads.health().ok, true);
      // the primary moves on; the replica does not
      head.lsn = '0/200';
      await sleep(60);
      assert.equal(await servedBy(reads), 'replica', 'behind, but for less than the bound');
      await sleep(250);
      assert.equal(await servedBy(reads), 'primary', 'behind for longer than the bound');
      assert.equal(reads.health().ok, false);
      assert.match(reads.health().detail, /lags \d+ ms \(bound 200 ms\)/);
      // it catches up
      replayed.lsn = '0/200';
      await sleep(60);
      assert.equal(await servedBy(reads), 'replica');
      assert.equal(reads.health().ok, true);
    } finally {
      await reads.close();
    }
  });

  test('a replica read that fails is answered by the primary, and the replica is out until it answers again', async () => {
    const { replayed, reads } = setup();
    try {
      await sleep(60);
      const onReplica = await reads.lagTolerant();
      replayed.failing = true;
      const r = await onReplica.query<{ served_by: string }>('SELECT 1');
      assert.equal(r.rows[0].served_by, 'primary');
      assert.equal(await servedBy(reads), 'primary');
      assert.match(reads.health().detail, /reads go to the primary/);
      replayed.failing = false;
      await sleep(60);
      assert.equal(await servedBy(reads), 'replica');
    } finally {
      await reads.close();
    }
  });

  test('a replica that has never caught up since the start takes no reads, and its health says so without a lag figure', async () => {
    // behind from the first check on: no sample of the primary's was ever replayed
    const { replayed, reads } = setup(memoryKv(), { head: '0/100', replayed: '0/50' });
    try {
      await sleep(80);
      assert.equal(await servedBy(reads), 'primary');
      const h = reads.health();
      assert.equal(h.ok, false);
      assert.equal(h.lagMs, undefined, 'no number it could not be (a JSON integer)');
      assert.match(h.detail, /has not caught up/);
      replayed.lsn = '0/100';
      await sleep(80);
      assert.equal(await servedBy(reads), 'replica');
      assert.ok(Number.isFinite(reads.health().lagMs));
    } finally {
      await reads.close();
    }
  });

  test('a promoted replica no longer follows the primary: it takes no reads', async () => {
    const { replayed, reads } = setup();
    try {
      replayed.standby = false;
      await sleep(60);
      assert.equal(await servedBy(reads), 'primary');
      assert.match(reads.health().detail, /not a standby/);
    } finally {
      await reads.close();
    }
  });

  test('a scope with a recent write reads the primary; other scopes still read the replica', async () => {
    const { reads } = setup();
    try {
      await sleep(60);
      await reads.wrote('customer:7');
      assert.equal(await servedBy(reads, 'customer:7'), 'primary');
      assert.equal(await servedBy(reads, 'customer:8'), 'replica');
      assert.equal(await servedBy(reads), 'replica');
      await sleep(1_300); // the mark lives maxLag + 1 s
      assert.equal(await servedBy(reads, 'customer:7'), 'replica');
    } finally {
      await reads.close();
    }
  });

  test('a Kv that cannot take or tell a mark sends scoped reads to the primary', async () => {
    const kv = memoryKv();
    let broken = false;
    const flaky: Kv = {
      ...kv,
      get: (k) => (broken ? Promise.reject(new Error('down')) : kv.get(k)),
      set: (k, v, ttl) => (broken ? Promise.reject(new Error('down')) : kv.set(k, v, ttl)),
    };
    const { reads } = setup(flaky);
    try {
      await sleep(60);
      broken = true;
      assert.equal(await servedBy(reads, 'customer:1'), 'primary', 'a mark that cannot be read');
      await reads.wrote('customer:2');
      broken = false;
      assert.equal(await servedBy(reads, 'customer:3'), 'primary', 'a mark that could not be written: every scoped read here');
      assert.equal(await servedBy(reads), 'replica', 'reads of no scope are not concerned');
    } finally {
      await reads.close();
    }
  });
});
