// What the fault suite runs against, all of its own: a PostgreSQL primary and its streaming replica
// (ops/pg/local-pg.ts, temp folders, free ports: the suite crash-restarts THIS primary, never the
// machine's server), a redis-server (redis-server.ts), and N API instances behind HAProxy with the
// gateway simulator as its own process (ops/cluster/cluster.ts). Then the venue the load races for:
// a theater with one hall, a few screenings, and customers whose tokens are signed here (no bcrypt).
// `close()` stops everything it started, whatever was started when a step failed.
import { type Customer, createCustomers } from '../../bench/lib/customers.ts';
import { createVenue } from '../../bench/lib/venue.ts';
import { type Cluster, startCluster } from '../cluster/cluster.ts';
import { type LocalPg, one, removeAll, startPrimary, startReplica, workDir } from '../pg/local-pg.ts';
import { type LocalRedis, startRedis } from '../lib/redis-server.ts';

export interface RigOptions {
  instances: number;
  customers: number;
  screenings: number;
  rows: number;
  perRow: number;
}

export interface Rig {
  primary: LocalPg;
  replica: LocalPg;
  redis: LocalRedis;
  cluster: Cluster;
  /** the database the service runs on, on the suite's primary */
  databaseUrl: string;
  screenings: number[];
  customers: Customer[];
  close(): Promise<void>;
}

const DATABASE = 'cinema_faults';

/** Every environment setting of the API instances that the suite chooses, and why. */
export const apiEnv = (replicaUrl: string): Record<string, string> => ({
  DATABASE_REPLICA_URL: replicaUrl,
  // every customer of the load comes from one address (the balancer's): the per-client limits are
  // tested elsewhere, and would turn the race into 429s
  RATE_LIMIT_MAX: '100000000',
  AUTH_RATE_LIMIT: '100000',
  HOLD_RATE_PER_ACCOUNT: '100000000',
  HOLD_RATE_PER_ADDRESS: '100000000',
  HOLD_MAX_SEATS_PER_ACCOUNT: '100000',
  MAX_SEATS_PER_CUSTOMER_PER_SCREENING: '100000',
  // the reconciler asks about a pending payment after 1 s, every second: a checkout stuck by a fault
  // is finished within the checks' bound instead of after the default 30 s
  RECONCILE_INTERVAL_MS: '1000',
  RECONCILE_AFTER_SECONDS: '1',
  // a gateway call never waits past the faults' own length
  GATEWAY_TIMEOUT_MS: '5000',
  // only errors in the instances' output, so the unhandled ones behind a 500 can be shown (serverErrors)
  LOG_LEVEL: 'error',
});

/** The distinct unhandled errors (each one a 500) the instances logged (the last 8,000 characters of each one's output). */
export function serverErrors(rig: Rig): string[] {
  const seen = new Set<string>();
  for (const p of rig.cluster.instances) {
    for (const line of p.output().split('\n')) {
      if (!line.includes('"msg":"unhandled error"')) continue;
      try {
        const entry = JSON.parse(line) as {
          msg?: string;
          req?: { method?: string; url?: string };
          err?: { type?: string; code?: string; message?: string; stack?: string };
        };
        const where =
          entry.err?.stack
            ?.split('\n')
            .find((l) => l.includes('/src/'))
            ?.trim() ?? '';
        seen.add(
          `${p.name}: ${entry.msg}: ${entry.err?.type ?? ''} ${entry.err?.code ?? ''} ${entry.err?.message ?? ''} ${where}`.replace(/\s+/g, ' '),
        );
      } catch {
        // a line cut by the 8,000-character window
      }
    }
  }
  return [...seen];
}

/** `onClose` gets the stopper at once, so a Ctrl-C during the setup stops what was started so far. */
export async function startRig(opts: RigOptions, say: (line: string) => void, onClose: (close: () => Promise<void>) => void): Promise<Rig> {
  const root = workDir('cinema-faults-');
  const servers: LocalPg[] = [];
  let redis: LocalRedis | undefined;
  let cluster: Cluster | undefined;
  const close = async () => {
    await cluster?.close().catch(() => {});
    await redis?.stop().catch(() => {});
    removeAll(root, servers);
  };
  onClose(close);
  try {
    const primary = await startPrimary(root);
    servers.push(primary);
    await one(primary.url(), `CREATE DATABASE ${DATABASE}`);
    const replica = await startReplica(primary, root);
    servers.push(replica);
    say(`PostgreSQL primary on :${primary.port}, streaming replica on :${replica.port}`);
    redis = await startRedis();
    say(`redis-server on :${redis.port}`);
    cluster = await startCluster({
      instances: opts.instances,
      databaseUrl: primary.url(DATABASE),
      redisUrl: redis.url,
      redisPrefix: 'faults:',
      env: apiEnv(replica.url(DATABASE)),
      output: 'capture',
    });
    say(`${opts.instances} API instances behind HAProxy at ${cluster.url}, gateway simulator on :${cluster.gateway.port}`);
    const databaseUrl = primary.url(DATABASE);
    const venue = await createVenue(cluster.url, databaseUrl, cluster.env.JWT_SECRET, {
      name: 'Faults',
      rows: opts.rows,
      perRow: opts.perRow,
      count: opts.screenings,
    });
    const customers = await createCustomers(databaseUrl, opts.customers, cluster.env.JWT_SECRET);
    say(`${opts.screenings} screenings of ${opts.rows * opts.perRow} seats, ${customers.length} customers`);
    return { primary, replica, redis, cluster, databaseUrl, screenings: venue.screenings, customers, close };
  } catch (err) {
    await close();
    throw err;
  }
}
