// The release-night deployment on one machine, without Docker: HAProxy in front of N API instances
// (default 3), the payment-gateway simulator as its own process, all on PostgreSQL and Redis. Used by
// `npm run cluster` (ops/cluster/main.ts), the cluster tests and the benchmarks. Every process is
// started here as a child and stopped by its own pid.
//
// HAProxy: `leastconn` balancing (a new request goes to the instance with the fewest open ones), an active health check on GET /readyz every
// second (an instance is out after 2 failures, back after 2 successes), WebSocket upgrades passed
// through (`timeout tunnel`), the client's address in X-Forwarded-For (the instances trust only the
// balancer's, TRUST_PROXY=127.0.0.1), a request an instance could not take retried on another one
// (a connection refused; for GET and HEAD also an instance that died before answering: a write that
// reached an instance is never replayed), the balancer's own failures (no instance, an instance that
// died before answering, a timeout) answered as the service's 503 with Retry-After, and the instance
// that answered named in X-Served-By.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/free-port.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HOST = '127.0.0.1';

export interface ClusterOptions {
  /** API instances behind the balancer */
  instances?: number;
  /** the balancer's port (0: any free one) */
  port?: number;
  databaseUrl: string;
  redisUrl: string;
  /** Redis keys and channels of this deployment */
  redisPrefix?: string;
  /** more environment for every API instance */
  env?: Record<string, string>;
  /** where the processes' output goes: 'inherit' (the CLI) or kept in memory (tests, benches) */
  output?: 'inherit' | 'capture';
}

export interface Proc {
  name: string;
  port: number;
  child: ChildProcess;
  /** the last 8,000 characters it wrote */
  output(): string;
}

export interface Cluster {
  /** http://127.0.0.1:<port> of the balancer */
  url: string;
  instances: Proc[];
  gateway: Proc;
  haproxy: Proc;
  /** the environment every instance runs with (its secrets included) */
  env: Record<string, string>;
  /** SIGKILL one instance: no drain, exactly what a crash does */
  kill(i: number): Promise<void>;
  /** SIGTERM one instance and wait for its graceful exit */
  stop(i: number): Promise<void>;
  /** start instance i again (same port) and wait until it is ready */
  start(i: number): Promise<void>;
  /** whether the balancer's health checks have instance i in (UP) */
  inService(i: number): Promise<boolean>;
  /** the balancer's counters for its backend as a whole (HAProxy's CSV statistics, by column name) */
  backendStats(): Promise<Record<string, string>>;
  /**
   * A rolling deploy: each instance in turn gets SIGTERM (it drains: /readyz says 'draining' while
   * it serves, the balancer takes it out, live seat maps are told to reconnect, in-flight requests
   * finish), starts again, and is back in the balancer before the next one goes.
   */
  rollingRestart(): Promise<void>;
  close(): Promise<void>;
}

export function haproxyBinary(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Why a suite that starts the cluster cannot run here, or false when it can. */
export function clusterUnavailable(onPostgres: boolean, onRedis: boolean): string | false {
  if (!(onPostgres && onRedis)) return 'needs PostgreSQL and Redis';
  return haproxyBinary() ? false : 'needs haproxy (apt-get install haproxy)';
}


// The body of the balancer's own error answers: the service's 503 `unavailable` (src/http/errors.ts).
const BALANCER_PROBLEM = JSON.stringify({
  type: '/problems/unavailable',
  title: 'A dependency is unavailable; try again',
  status: 503,
  detail: 'No instance could answer this request; try again',
  code: 'unavailable',
  success: false,
  message: 'No instance could answer this request; try again',
});

/**
 * The balancer's configuration: listening on `bind` (e.g. 127.0.0.1:4000), in front of `servers`
 * (host:port each, named api1, api2, ...), with its statistics (CSV at /stats;csv) on `stats` when
 * given. ops/cluster/haproxy.compose.cfg is this for Compose.
 */
export function haproxyConfig(bind: string, servers: string[], stats?: string): string {
  return [
    'global',
    '  # the process-wide connection limit follows the file-descriptor limit (ulimit -n)',
    'defaults',
    '  mode http',
    '  maxconn 5000',
    '  timeout connect 2s',
    '  timeout client 65s',
    '  timeout server 65s',
    '  # a WebSocket, once upgraded, lives as long as the viewer watches',
    '  timeout tunnel 1h',
    '  timeout http-keep-alive 10s',
    '  option forwardfor',
    '  # connections to the instances stay open and are reused (http-reuse safe: a client connection',
    "  # sends its first request on a connection of its own); one connection per request cost each",
    '  # instance an accept and a handshake per request',
    '  option http-keep-alive',
    '  http-reuse safe',
    '  # a request an instance could not take (refused, or the instance died before answering) is',
    '  # tried again on another one; only reads are ever sent twice (see the backend)',
    '  retries 2',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout',
    '  # what the balancer answers by itself (no instance up: 503; the instance died before answering: 502;',
    "  # it did not answer in time: 504) is the service's own 503: nothing was done that a retry (with the",
    '  # same Idempotency-Key for a write) cannot finish, so try again in a second',
    ...[502, 503, 504].map((code) => `  http-error status ${code} content-type application/problem+json string '${BALANCER_PROBLEM}'`),
    'frontend web',
    `  bind ${bind}`,
    "  # (an instance's own 502 and 504, the payment gateway's refusal or timeout, carry X-Served-By and stay)",
    '  http-after-response set-status 503 if { status 502 504 } !{ res.hdr(x-served-by) -m found }',
    '  http-after-response set-header Retry-After 1 if { status 503 } !{ res.hdr(x-served-by) -m found }',
    '  default_backend api',
    'backend api',
    '  balance leastconn',
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  # a name that does not resolve yet (a container still starting) leaves its server down, not the balancer',
    '  # idle connections to an instance: half of them closed every 5 s, so one is hardly ever left idle',
    "  # for the 72 s after which the instance closes it (a write sent on it then is not retried)",
    '  default-server inter 1s fastinter 500ms fall 2 rise 2 init-addr last,libc,none pool-purge-delay 5s',
    '  # a write that reached an instance is never replayed: it may have been done',
    '  http-request disable-l7-retry unless METH_GET || METH_HEAD',
    '  http-response set-header X-Served-By %s',
    ...servers.map((address, i) => `  server api${i + 1} ${address} check`),
    ...(stats ? ['listen stats', '  mode http', `  bind ${stats}`, '  stats enable', '  stats uri /stats'] : []),
    '',
  ].join('\n');
}

function launch(name: string, port: number, command: string, args: string[], env: NodeJS.ProcessEnv, output: 'inherit' | 'capture'): Proc {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: output === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (b: Buffer) => void (tail = (tail + b.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, port, child, output: () => tail };
}

const running = (p: Proc) => p.child.exitCode === null && p.child.signalCode === null;
const exited = (p: Proc) => (running(p) ? new Promise<void>((ok) => p.child.once('exit', () => ok())) : Promise.resolve());

async function waitUntilReady(url: string, p: Proc, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!running(p)) throw new Error(`${p.name} exited (${p.child.exitCode ?? p.child.signalCode}):\n${p.output()}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${p.name} not ready at ${url} after ${ms} ms:\n${p.output()}`);
}

export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const haproxy = haproxyBinary();
  if (!haproxy) throw new Error('haproxy is not installed (Debian: apt-get install haproxy)');
  const n = opts.instances ?? 3;
  const output = opts.output ?? 'capture';
  const port = opts.port || (await freePort());
  const url = `http://${HOST}:${port}`;
  const gatewayPort = await freePort();
  const statsPort = await freePort();
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'cinema-cluster-'));
  const secrets = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    GATEWAY_API_KEY: `sk_cluster_${randomBytes(8).toString('hex')}`,
    GATEWAY_WEBHOOK_SECRET: `whsec_cluster_${randomBytes(16).toString('hex')}`,
  };
  const node = process.execPath;
  const procs: Proc[] = [];
  const closeAll = async () => {
    for (const p of procs.reverse()) {
      if (running(p)) p.child.kill('SIGKILL');
      await exited(p);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const gateway = launch(
      'gateway',
      gatewayPort,
      node,
      ['--import', 'tsx', 'src/gateway-server.ts'],
      {
        ...process.env,
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_HOST: HOST,
        GATEWAY_API_KEY: secrets.GATEWAY_API_KEY,
        GATEWAY_WEBHOOK_SECRET: secrets.GATEWAY_WEBHOOK_SECRET,
        // webhooks go through the balancer, like a real provider's
        GATEWAY_WEBHOOK_URL: `${url}/api/v1/payments/webhook`,
        GATEWAY_PUBLIC_URL: `http://${HOST}:${gatewayPort}`,
        GATEWAY_STATE_FILE: join(dir, 'gateway-state.json'),
        LOG_LEVEL: 'warn',
      },
      output,
    );
    procs.push(gateway);
    const env: Record<string, string> = {
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      REDIS_PREFIX: opts.redisPrefix ?? `cluster:${randomBytes(4).toString('hex')}:`,
      ...secrets,
      GATEWAY: 'http',
      GATEWAY_URL: `http://${HOST}:${gatewayPort}`,
      PUBLIC_BASE_URL: url,
      TRUST_PROXY: HOST,
      DATA_DIR: dir,
      HOST,
      LOG_LEVEL: 'warn',
      // the balancer checks every second and takes an instance out after 2 failures
      DRAIN_MS: '3000',
      ...opts.env,
    };
    const instanceProc = (i: number) =>
      launch(`api${i + 1}`, ports[i], node, ['--import', 'tsx', 'src/server.ts'], { ...process.env, ...env, PORT: String(ports[i]) }, output);
    await waitUntilReady(`http://${HOST}:${gatewayPort}/_gateway/faults`, gateway);
    // the first instance migrates and seeds; the others start once it is ready
    const instances: Proc[] = [instanceProc(0)];
    procs.push(instances[0]);
    await waitUntilReady(`http://${HOST}:${ports[0]}/readyz`, instances[0]);
    for (let i = 1; i < n; i++) {
      instances.push(instanceProc(i));
      procs.push(instances[i]);
    }
    await Promise.all(instances.slice(1).map((p) => waitUntilReady(`http://${HOST}:${p.port}/readyz`, p)));

    const cfg = join(dir, 'haproxy.cfg');
    writeFileSync(
      cfg,
      haproxyConfig(
        `${HOST}:${port}`,
        ports.map((p) => `${HOST}:${p}`),
        `${HOST}:${statsPort}`,
      ),
    );
    const check = spawnSync(haproxy, ['-c', '-f', cfg], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`haproxy refused its configuration:\n${check.stdout}${check.stderr}`);
    const balancer = launch('haproxy', port, haproxy, ['-f', cfg, '-db'], process.env, output);
    procs.push(balancer);
    await waitUntilReady(`${url}/readyz`, balancer);

    const statsRow = async (server: string) => {
      const [head, ...lines] = (await fetch(`http://${HOST}:${statsPort}/stats;csv`).then((r) => r.text())).split('\n');
      const names = head.replace(/^# /, '').split(',');
      const row = lines.find((l) => l.startsWith(`api,${server},`))?.split(',') ?? [];
      return Object.fromEntries(names.map((name, k) => [name, row[k] ?? '']));
    };
    const inService = async (i: number) => (await statsRow(`api${i + 1}`)).status === 'UP';
    const self: Cluster = {
      url,
      instances,
      gateway,
      haproxy: balancer,
      env,
      async kill(i) {
        const p = instances[i];
        if (running(p)) p.child.kill('SIGKILL');
        await exited(p);
      },
      async stop(i) {
        const p = instances[i];
        if (running(p)) p.child.kill('SIGTERM');
        await exited(p);
      },
      async start(i) {
        if (running(instances[i])) return;
        const p = instanceProc(i);
        instances[i] = p;
        procs.push(p);
        await waitUntilReady(`http://${HOST}:${p.port}/readyz`, p);
      },
      inService,
      backendStats: () => statsRow('BACKEND'),
      async rollingRestart() {
        for (let i = 0; i < instances.length; i++) {
          await self.stop(i);
          await self.start(i);
          const until = Date.now() + 30_000;
          while (!(await inService(i))) {
            if (Date.now() > until) throw new Error(`api${i + 1} not back in the balancer after 30 s`);
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      },
      close: closeAll,
    };
    return self;
  } catch (err) {
    await closeAll();
    throw err;
  }
}

export { freePort };
