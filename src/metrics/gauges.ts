// What is true right now, read when /metrics is scraped: live viewers on this instance, the outbox's
// backlog, lag and dead letters, and the payments the reconciler should be asking about. The database
// figures are the same on every instance (Prometheus takes max() of them). A scrape while the
// database is down leaves them at their last value rather than failing the scrape.
import { Gauge, type Metric } from 'prom-client';
import type { Deps } from '../deps.ts';
import { reconcilerBacklog } from '../modules/payments/index.ts';
import { type OutboxHealth, outboxHealth } from '../outbox/health.ts';

export function businessGauges(deps: Pick<Deps, 'db' | 'hub' | 'config'>): Metric[] {
  const viewers = new Gauge({
    name: 'cinema_live_viewers',
    help: 'Open live seat-map connections on this instance',
    registers: [],
    collect() {
      this.set(deps.hub.totalViewers());
    },
  });
  // one look at the outbox while one is in flight, shared by its three gauges (collected side by side)
  let look: Promise<OutboxHealth> | undefined;
  const health = () => {
    if (!look) {
      look = outboxHealth(deps.db);
      const done = () => {
        look = undefined;
      };
      look.then(done, done);
    }
    return look;
  };
  const fromOutbox = (name: string, help: string, pick: (h: OutboxHealth) => number) =>
    new Gauge({
      name,
      help,
      registers: [],
      async collect() {
        try {
          this.set(pick(await health()));
        } catch {
          // the database is down: keep the last value (readiness says the rest)
        }
      },
    });
  const waiting = fromOutbox('cinema_outbox_waiting', 'Outbox messages waiting to be sent (pending or being sent)', (h) => h.waiting);
  const lag = fromOutbox('cinema_outbox_lag_seconds', 'How long the oldest due outbox message has waited (0: nothing due)', (h) => h.lagSeconds);
  const dead = fromOutbox('cinema_outbox_dead', 'Outbox dead letters (need a person: requeue or drop them)', (h) => h.dead);
  const backlog = new Gauge({
    name: 'cinema_reconciler_backlog',
    help: 'Payments still pending past RECONCILE_AFTER_SECONDS: what the reconciler has to settle',
    registers: [],
    async collect() {
      try {
        this.set(await reconcilerBacklog(deps.db, deps.config.RECONCILE_AFTER_SECONDS));
      } catch {
        // the database is down: keep the last value
      }
    },
  });
  return [viewers, waiting, lag, dead, backlog];
}
