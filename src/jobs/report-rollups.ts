// Folds the report rollups' deltas in every REPORT_ROLLUP_INTERVAL_MS (modules/reports/rollups.ts).
// Reports are exact whether it runs or not (they read rollup + deltas); it keeps the deltas few, so
// reports stay fast. Safe in several instances at once: each batch moves rows no other one moves.
import type { Deps } from '../deps.ts';
import { compactRollups } from '../modules/reports/index.ts';
import { every } from './every.ts';

export function startRollupCompaction(deps: Deps, onError: (err: unknown) => void): () => Promise<void> {
  return every('report-rollups', deps.config.REPORT_ROLLUP_INTERVAL_MS, () => compactRollups(deps.db), onError);
}
