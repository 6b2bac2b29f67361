// What the API's PostgreSQL connections were doing during the measured window of bench/checkout.ts:
// pg_stat_activity of the benchmark's database sampled every intervalMs on a connection of our own.
// 'active' = running a statement; 'idle in transaction' = inside a transaction, waiting for the API
// (its event loop) to send the next statement; 'idle' = free in the pool. If the pool were the limit,
// every connection would be busy nearly all the time; if the API's CPU is, they wait on it.
import pg from 'pg';

export interface PoolSample {
  samples: number;
  /** mean connections of the API (application_name not ours) in each state */
  mean_by_state: Record<string, number>;
  /** share of samples where no API connection was 'idle' (the pool fully in use) */
  pool_all_busy_share: number;
  /** wait events of active connections, summed over the samples: "<type>:<event>" -> count */
  active_wait_events: Record<string, number>;
}

export function samplePool(dbUrl: string, intervalMs = 100) {
  const client = new pg.Client({ connectionString: dbUrl, application_name: 'cinema-bench-sampler' });
  const byState: Record<string, number> = {};
  const waits: Record<string, number> = {};
  let samples = 0;
  let allBusy = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const ready = client.connect();

  async function once() {
    const { rows } = await client.query<{ state: string | null; wait: string | null }>(
      `SELECT state, CASE WHEN wait_event IS NULL THEN NULL ELSE wait_event_type || ':' || wait_event END AS wait
         FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          AND application_name NOT LIKE 'cinema-bench%'`,
    );
    samples++;
    let idle = 0;
    for (const r of rows) {
      const s = r.state ?? 'unknown';
      byState[s] = (byState[s] ?? 0) + 1;
      if (s === 'idle') idle++;
      if (s === 'active' && r.wait) waits[r.wait] = (waits[r.wait] ?? 0) + 1;
    }
    if (rows.length > 0 && idle === 0) allBusy++;
  }

  return {
    start() {
      timer = setInterval(() => {
        running = running.then(() => ready.then(once)).catch(() => undefined);
      }, intervalMs);
    },
    /** stops sampling (at the window's end) */
    halt() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    async result(): Promise<PoolSample> {
      if (timer) clearInterval(timer);
      await running;
      await client.end().catch(() => undefined);
      const mean = Object.fromEntries(Object.entries(byState).map(([k, v]) => [k, Math.round((v / Math.max(1, samples)) * 100) / 100]));
      return {
        samples,
        mean_by_state: mean,
        pool_all_busy_share: samples > 0 ? Math.round((allBusy / samples) * 1000) / 1000 : 0,
        active_wait_events: waits,
      };
    },
  };
}
