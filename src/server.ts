// The process: config, runtime, app, listen; on SIGTERM/SIGINT drain (DRAIN_MS: /readyz says
// 'draining' while the instance still serves, so a balancer takes it out first), tell live seat maps
// to reconnect, stop accepting, let in-flight requests finish (bounded by SHUTDOWN_GRACE_MS), then
// close the pools.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { startAuditPurge } from './jobs/audit-purge.ts';
import { startRollupCompaction } from './jobs/report-rollups.ts';
import { startSelloutRetry } from './jobs/sellout-retry.ts';
import { startHoldSweeper } from './jobs/hold-sweeper.ts';
import { deliveryNotices, startOutbox } from './jobs/outbox.ts';
import { startPaymentReconciler } from './jobs/payment-reconciler.ts';
import { openRuntime } from './runtime.ts';

async function main() {
  const started = performance.now();
  let config: ReturnType<typeof loadConfig>;
  let runtime: Awaited<ReturnType<typeof openRuntime>>;
  try {
    config = loadConfig();
    // what only the database can tell stops the start the same way: the demo accounts in production,
    // a first admin (ADMIN_EMAIL) that cannot be made
    runtime = await openRuntime(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const app = await buildApp(runtime);
  await app.listen({ host: config.HOST, port: config.PORT });
  // Background jobs run in every instance; each is safe to run in several at once.
  const stopSweeper = config.SWEEP_INTERVAL_MS > 0 ? startHoldSweeper(runtime, (err) => app.log.error({ err }, 'hold sweep failed')) : async () => {};
  const stopReconciler =
    config.RECONCILE_INTERVAL_MS > 0
      ? startPaymentReconciler(runtime, (err) => app.log.error({ err }, 'payment reconciliation failed'), app.log.child({ job: 'reconciler' }))
      : async () => {};
  const stopPurge =
    config.AUDIT_PURGE_INTERVAL_MS > 0 ? startAuditPurge(runtime, (err) => app.log.error({ err }, 'audit purge failed')) : async () => {};
  const stopRollups =
    config.REPORT_ROLLUP_INTERVAL_MS > 0
      ? startRollupCompaction(runtime, (err) => app.log.error({ err }, 'report rollup compaction failed'))
      : async () => {};
  const stopSelloutRetry = startSelloutRetry(runtime, (err) => app.log.error({ err }, 'sell-out retry failed'));
  const outbox = config.OUTBOX_INTERVAL_MS > 0 ? startOutbox(runtime, app.log.child({ job: 'outbox' })) : undefined;
  for (const n of deliveryNotices(config)) app.log[n.level]({ dir: n.dir }, n.message);
  app.log.info({ storage: runtime.db.kind, kv: runtime.kv.kind, startupMs: Math.round(performance.now() - started) }, 'cinema api ready');

  // From SIGTERM on, answers ask their clients to close the connection and idle sockets are closed
  // while app.close() waits (http/graceful-close.ts).
  const stop = async (signal: string) => {
    if (runtime.lifecycle.draining) return;
    runtime.lifecycle.draining = true;
    app.log.info({ signal, drainMs: config.DRAIN_MS }, 'shutting down');
    if (config.DRAIN_MS > 0) await new Promise((r) => setTimeout(r, config.DRAIN_MS));
    const force = setTimeout(() => {
      app.log.error('grace period over, exiting');
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    force.unref();
    try {
      await app.close();
      await stopSweeper();
      await stopReconciler();
      await stopPurge();
      await stopRollups();
      await stopSelloutRetry();
      await outbox?.stop();
      await runtime.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
