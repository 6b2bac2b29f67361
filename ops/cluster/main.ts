// `npm run cluster -- [--instances=3] [--port=4000] [--replica]`: the release-night deployment on
// this machine (ops/cluster/cluster.ts): HAProxy on --port in front of N API instances and the
// gateway simulator, on PostgreSQL (DATABASE_URL, default the local server's `cinema_cluster`
// database, created if missing) and Redis (REDIS_URL, default the local one). With --replica it runs
// instead on a primary of its own and a streaming replica made from it with pg_basebackup -R, on two
// free ports (ops/pg/local-pg.ts, data in a temp folder removed at the end); the instances read what
// tolerates lag from the replica (DATABASE_REPLICA_URL). Installs HAProxy with apt-get when it is
// missing and this runs as root. Ctrl-C stops every process it started.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { type LocalPg, localPgUnavailable, one, removeAll, startPrimary, startReplica, workDir } from '../pg/local-pg.ts';
import { haproxyBinary, startCluster } from './cluster.ts';

const arg = (name: string, def: number) => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const n = raw === undefined ? def : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
};

if (!haproxyBinary()) {
  if (process.getuid?.() !== 0) throw new Error('haproxy is missing: apt-get install haproxy (as root)');
  console.log('installing HAProxy (apt-get install haproxy)');
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy'], {
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('apt-get install haproxy failed');
}

const withReplica = process.argv.includes('--replica');
let own: { root: string; servers: LocalPg[] } | undefined;
let databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cinema_cluster';
const env: Record<string, string> = {};
if (withReplica) {
  const why = localPgUnavailable();
  if (why) throw new Error(`--replica: ${why}`);
  const root = workDir('cinema-cluster-pg-');
  own = { root, servers: [] };
  try {
    const primary = await startPrimary(root);
    own.servers.push(primary);
    await one(primary.url(), 'CREATE DATABASE cinema');
    const replica = await startReplica(primary, root);
    own.servers.unshift(replica);
    databaseUrl = primary.url('cinema');
    env.DATABASE_REPLICA_URL = replica.url('cinema');
    console.log(`PostgreSQL: primary :${primary.port}, streaming replica :${replica.port} (${root})`);
  } catch (err) {
    removeAll(root, own.servers);
    throw err;
  }
}
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
if (!process.env.DATABASE_URL && !withReplica) {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'cinema_cluster'");
  if (!rowCount) await admin.query('CREATE DATABASE cinema_cluster');
  await admin.end();
}

const cluster = await startCluster({
  instances: arg('instances', 3),
  port: arg('port', 4000),
  databaseUrl,
  redisUrl,
  redisPrefix: 'cinema-cluster:',
  env,
  output: 'inherit',
}).catch((err) => {
  if (own) removeAll(own.root, own.servers);
  throw err;
});
console.log(`\nthe shop: ${cluster.url}/ (balanced over ${cluster.instances.map((p) => `${p.name} :${p.port}`).join(', ')})`);
console.log(`gateway simulator: http://127.0.0.1:${cluster.gateway.port}/_gateway/ledger\nCtrl-C stops everything.`);
let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  void cluster.close().then(() => {
    if (own) removeAll(own.root, own.servers);
    process.exit(0);
  });
};
process.on('SIGINT', close);
process.on('SIGTERM', close);
