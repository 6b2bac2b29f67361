// `npm run cluster -- [--instances=3] [--port=4000]`: the release-night deployment on this machine
// (ops/cluster/cluster.ts): HAProxy on --port in front of N API instances and the gateway simulator,
// on PostgreSQL (DATABASE_URL, default the local server's `cinema_cluster` database, created if
// missing) and Redis (REDIS_URL, default the local one). Installs HAProxy with apt-get when it is
// missing and this runs as root. Ctrl-C stops every process it started.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
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

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cinema_cluster';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
if (!process.env.DATABASE_URL) {
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
  output: 'inherit',
});
console.log(`\nthe shop: ${cluster.url}/ (balanced over ${cluster.instances.map((p) => `${p.name} :${p.port}`).join(', ')})`);
console.log(`gateway simulator: http://127.0.0.1:${cluster.gateway.port}/_gateway/ledger\nCtrl-C stops everything.`);
let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  void cluster.close().then(() => process.exit(0));
};
process.on('SIGINT', close);
process.on('SIGTERM', close);
