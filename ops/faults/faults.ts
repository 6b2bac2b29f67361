// The faults, in the order the suite injects them, each while the load runs. `inject` returns when
// the fault is over and what it broke is running again; `endedAt` (performance.now()) is the moment
// its cause was undone (the restart issued), from which /readyz is timed.
//
// PostgreSQL is stopped and started with pg_ctl on the suite's own data folders, without blocking
// this process (the load goes on meanwhile), never the machine's server.
import { dirname, join } from 'node:path';
import pg from 'pg';
import { asPostgresLater, type LocalPg, pgBin } from '../pg/local-pg.ts';
import type { Rig } from './setup.ts';

export interface Fault {
  name: string;
  /** what was done, for the table's notes */
  inject(rig: Rig): Promise<{ endedAt: number; note: string; breaches?: string[] }>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const pgCtlStop = (s: LocalPg, mode: 'immediate' | 'fast') => asPostgresLater(`${pgBin()}/pg_ctl`, ['-D', s.dir, '-m', mode, '-w', 'stop']);
// the log file local-pg.ts gave the server: <root>/<name>.log beside its <root>/<name> folder
const pgCtlStart = (s: LocalPg) =>
  asPostgresLater(`${pgBin()}/pg_ctl`, ['-D', s.dir, '-l', join(dirname(s.dir), `${s.dir.split('/').pop()}.log`), '-w', '-t', '120', 'start']);

/** pg_terminate_backend on every client backend of the service's database, a few times. */
async function terminateBackends(rig: Rig, rounds: number): Promise<number> {
  let killed = 0;
  for (let i = 0; i < rounds; i++) {
    const c = new pg.Client({ connectionString: rig.primary.url(), application_name: 'faults-killer' });
    await c.connect();
    try {
      const { rows } = await c.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND application_name NOT LIKE 'faults-%'`,
        [new URL(rig.databaseUrl).pathname.slice(1)],
      );
      killed += rows[0].n;
    } finally {
      await c.end();
    }
    if (i + 1 < rounds) await sleep(700);
  }
  return killed;
}

export function faults(o: { redisDownMs: number; pgDownMs: number; replicaDownMs: number; instanceDownMs: number }): Fault[] {
  return [
    {
      name: 'PostgreSQL backends terminated',
      async inject(rig) {
        const n = await terminateBackends(rig, 3);
        return { endedAt: performance.now(), note: `pg_terminate_backend x3 rounds: ${n} backends of the API` };
      },
    },
    {
      name: 'an API instance SIGKILLed',
      async inject(rig) {
        const i = rig.cluster.instances.length > 1 ? 1 : 0;
        await rig.cluster.kill(i);
        await sleep(o.instanceDownMs);
        const endedAt = performance.now();
        await rig.cluster.start(i);
        return { endedAt, note: `api${i + 1} SIGKILLed, started again after ${o.instanceDownMs / 1000} s` };
      },
    },
    {
      name: 'Redis stopped',
      async inject(rig) {
        await rig.redis.stop();
        await sleep(o.redisDownMs);
        const endedAt = performance.now();
        await rig.redis.start();
        return { endedAt, note: `redis-server SIGKILLed, started again (empty) after ${o.redisDownMs / 1000} s` };
      },
    },
    {
      name: 'PostgreSQL crash-restart',
      async inject(rig) {
        await pgCtlStop(rig.primary, 'immediate');
        await sleep(o.pgDownMs);
        const endedAt = performance.now();
        await pgCtlStart(rig.primary);
        return { endedAt, note: `primary pg_ctl -m immediate stop, started again after ${o.pgDownMs / 1000} s (crash recovery)` };
      },
    },
    {
      name: 'replica failed',
      async inject(rig) {
        await pgCtlStop(rig.replica, 'immediate');
        await sleep(o.replicaDownMs / 2);
        const said = await readyzSays(rig.cluster.instances[0].port);
        await sleep(o.replicaDownMs / 2);
        const endedAt = performance.now();
        await pgCtlStart(rig.replica);
        // with the replica down, an instance must say so (200 'degraded', replica not ok), not 'ready'
        const told = /^200 degraded, replica \{"ok":false/.test(said);
        return {
          endedAt,
          note: `replica pg_ctl -m immediate stop, started again after ${o.replicaDownMs / 1000} s; api1's /readyz meanwhile: ${said}`,
          breaches: told ? [] : [`with the replica down, api1's /readyz said ${said}`],
        };
      },
    },
  ];
}

/** What an instance's /readyz answers, in short: status code, status, and the replica's check. */
async function readyzSays(port: number): Promise<string> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
    const body = (await r.json()) as { status?: string; checks?: { replica?: unknown } };
    return `${r.status} ${body.status}, replica ${JSON.stringify(body.checks?.replica ?? 'not reported')}`;
  } catch (err) {
    return `no answer (${(err as Error).message})`;
  }
}

/**
 * Milliseconds from `since` until every instance answers /readyz with 200 'ready' (asked directly, not
 * through the balancer); or, when that did not happen within `boundMs`, why not, instance by
 * instance (its last answer, or that its process exited, with the end of its output).
 */
export async function readyAgain(rig: Rig, since: number, boundMs: number): Promise<{ ms: number } | { ms: undefined; why: string[] }> {
  const last = new Map<string, string>();
  const ready = async (p: Rig['cluster']['instances'][number]) => {
    try {
      const r = await fetch(`http://127.0.0.1:${p.port}/readyz`, { signal: AbortSignal.timeout(1000) });
      const text = await r.text();
      last.set(p.name, `${r.status} ${text.slice(0, 300)}`);
      // back means 'ready' again: Redis and the replica in use, not only the database answering
      return r.status === 200 && (JSON.parse(text) as { status?: string }).status === 'ready';
    } catch (err) {
      last.set(p.name, `no answer: ${(err as Error).message}`);
      return false;
    }
  };
  for (;;) {
    const instances = rig.cluster.instances;
    const all = (await Promise.all(instances.map(ready))).every(Boolean);
    const ms = performance.now() - since;
    if (all) return { ms };
    if (ms > boundMs) {
      const why = instances.map((p) => {
        const gone = p.child.exitCode ?? p.child.signalCode;
        return gone === null
          ? `${p.name} (pid ${p.child.pid}): ${last.get(p.name)}`
          : `${p.name} exited (${gone}); its output ended: ${p.output().slice(-1500).replace(/\s+/g, ' ')}`;
      });
      return { ms: undefined, why };
    }
    await sleep(100);
  }
}
