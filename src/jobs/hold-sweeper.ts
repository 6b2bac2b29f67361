// Runs the hold sweep (holds/expire-holds.ts) on a timer.
import type { Deps } from '../deps.ts';
import { sweepExpiredHolds } from '../modules/holds/index.ts';

/** Runs the sweep every intervalMs (never two at once in this process) until stopped. */
export function startHoldSweeper(deps: Deps, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = (async () => {
      try {
        // keep going while full batches come back: a backlog drains in one tick
        while ((await sweepExpiredHolds(deps)).holds.length === 200);
      } catch (err) {
        onError(err);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, deps.config.SWEEP_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
