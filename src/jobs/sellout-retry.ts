// Makes again, every ALERT_RETRY_INTERVAL_MS, the sell-out decisions that failed in this process
// (modules/alerts/check-sellout.ts): a crossing is raised late rather than never.
import type { Deps } from '../deps.ts';
import { every } from './every.ts';

export function startSelloutRetry(deps: Deps, onError: (err: unknown) => void): () => Promise<void> {
  return every('sellout-retry', deps.config.ALERT_RETRY_INTERVAL_MS, () => deps.sellout.retry(), onError);
}
