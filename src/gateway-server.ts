// The payment-gateway simulator as its own process (`npm run gateway`): the /v1 gateway API for
// createHttpGateway, the /_gateway control panel, webhooks to the API. A separate process makes the
// network real: connections refused while it is down, resets, timeouts, restarts that keep state.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { simulatorApiRoutes } from './gateway-simulator/api-routes.ts';
import { simulatorControlRoutes } from './gateway-simulator/control-routes.ts';
import { createSimulator, type Simulator, type SimulatorOptions } from './gateway-simulator/simulator.ts';

export interface GatewayServerOptions {
  port?: number;
  host?: string;
  apiKey: string;
  webhookUrl?: string;
  webhookSecret: string;
  /** base of the approve-page links; default the address it listens on */
  publicBaseUrl?: string;
  /** memory only when absent */
  persistPath?: string;
  latencyMs?: number;
  autoCaptureMs?: number;
  /** how long a timed-out /v1 call keeps its caller before answering 504 */
  hangMs?: number;
  logger?: FastifyServerOptions['logger'];
  /** anything else the simulator takes (clock, timeoutMs, webhookRetry, faults, ...) */
  simulator?: Partial<SimulatorOptions>;
}

export interface GatewayServer {
  app: FastifyInstance;
  simulator: Simulator;
  /** where it listens, e.g. http://127.0.0.1:4100 */
  url: string;
  close(): Promise<void>;
}

export async function startGatewayServer(opts: GatewayServerOptions): Promise<GatewayServer> {
  const simulator = createSimulator({
    ...opts.simulator,
    webhookSecret: opts.webhookSecret,
    webhookUrl: opts.webhookUrl,
    persistPath: opts.persistPath,
    latencyMs: opts.latencyMs,
    autoCaptureMs: opts.autoCaptureMs,
    publicBaseUrl: opts.publicBaseUrl,
  });
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 64 * 1024 });
  try {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    await app.register(simulatorApiRoutes, { simulator, apiKey: opts.apiKey, hangMs: opts.hangMs });
    await app.register(simulatorControlRoutes, { simulator });
    await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 4100 });
  } catch (err) {
    await simulator.close();
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!opts.publicBaseUrl) simulator.setPublicBaseUrl(url);
  return {
    app,
    simulator,
    url,
    async close() {
      await app.close();
      await simulator.close();
    },
  };
}

export class GatewayConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, def: number | undefined, max: number): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return def;
  if (!/^\d+$/.test(v) || Number(v) > max) throw new GatewayConfigError(`${name} must be an integer from 0 to ${max}`);
  return Number(v);
}

/** GATEWAY_* variables -> options; GATEWAY_STATE_FILE=:memory: keeps state in memory only. */
export function gatewayOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayServerOptions {
  const stateFile = env.GATEWAY_STATE_FILE || './data/gateway-state.json';
  const webhookUrl = env.GATEWAY_WEBHOOK_URL || 'http://127.0.0.1:4000/api/v1/payments/webhook';
  if (!/^https?:\/\//.test(webhookUrl)) throw new GatewayConfigError('GATEWAY_WEBHOOK_URL must be an http(s) URL');
  return {
    port: int(env, 'GATEWAY_PORT', 4100, 65535),
    host: env.GATEWAY_HOST || '127.0.0.1',
    apiKey: env.GATEWAY_API_KEY || 'sk_test_simulator',
    webhookUrl,
    webhookSecret: env.GATEWAY_WEBHOOK_SECRET || 'whsec_simulator_dev_secret_change_me',
    latencyMs: int(env, 'GATEWAY_LATENCY_MS', 0, 120_000),
    autoCaptureMs: int(env, 'GATEWAY_AUTO_CAPTURE_MS', undefined, 86_400_000),
    persistPath: stateFile === ':memory:' ? undefined : resolve(stateFile),
    publicBaseUrl: env.GATEWAY_PUBLIC_URL || undefined,
    simulator: { timeoutMs: int(env, 'GATEWAY_TIMEOUT_MS', 5000, 600_000) },
    logger: { level: env.LOG_LEVEL || 'info' },
  };
}

async function main() {
  let opts: GatewayServerOptions;
  try {
    opts = gatewayOptionsFromEnv();
  } catch (err) {
    if (err instanceof GatewayConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const server = await startGatewayServer(opts);
  server.app.log.info(
    { url: server.url, webhookUrl: opts.webhookUrl, stateFile: opts.persistPath ?? ':memory:', autoCaptureMs: opts.autoCaptureMs },
    'gateway simulator ready',
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'gateway simulator shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await server.close();
      process.exit(0);
    } catch (err) {
      server.app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

// Run only as the entry file (`tsx src/gateway-server.ts`); tests import startGatewayServer.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
