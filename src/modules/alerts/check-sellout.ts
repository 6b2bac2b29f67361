// Deciding whether a screening crossed a sell-out threshold, after a change of its sold seats has
// committed (a sale, a refund's restock, a block; inventory's afterSeatChange calls it through
// deps.sellout). Raises one alert per threshold crossed, up or down, exactly once:
// 1. lock the screening's level row (sellout_levels); a second decider, on this instance or
//    another, waits here
// 2. count sold and sellable seats now, under that lock: a later decider counts at least what the
//    earlier one counted, so the level never flaps back on stale counts
// 3. when the level changed: store it, insert an alert per threshold crossed, queue its e-mails and
//    webhook (outbox), all in this transaction; the live feed reads the alerts table
// Nothing to undo: one transaction. A failure (database down) leaves the level as it was, and the
// next change of the screening's seats, or the retry job, decides again from the counts: the crossing
// is raised late and never twice. A known gap: a process that dies between the commit and the
// decision leaves it to the screening's next seat change.
import { Counter } from 'prom-client';
import type { Deps } from '../../deps.ts';
import { adminEmails } from '../auth/index.ts';
import { soldTally } from '../inventory/index.ts';
import { crossings, levelOf } from './levels.ts';
import { alertFacts, enqueueAlert } from './messages.ts';
import { type AlertRow, insertAlerts, lockLevel, screeningFacts, setLevel } from './queries.ts';

/** Registered in each app's registry by http/metrics.ts, like the payment anomalies. */
export const selloutAlertsRaised = new Counter({
  name: 'cinema_sellout_alerts_total',
  help: 'Sell-out alerts raised, by direction (up: a threshold reached; down: back under it)',
  labelNames: ['direction'] as const,
  registers: [],
});

export async function checkSellout(deps: Deps, screeningId: number): Promise<AlertRow[]> {
  const raised = await deps.db.tx(async (trx) => {
    const facts = await screeningFacts(trx, screeningId);
    if (!facts) return [];
    const level = await lockLevel(trx, screeningId);
    const tally = await soldTally(trx, screeningId);
    const reached = levelOf(facts.thresholds, tally.sold, tally.sellable);
    if (reached === level) return [];
    await setLevel(trx, screeningId, reached);
    const crossed = crossings(facts.thresholds, level, reached);
    if (crossed.length === 0) return [];
    const alerts = await insertAlerts(trx, screeningId, crossed, tally);
    const emails = deps.config.alertEmails.length > 0 ? [...deps.config.alertEmails] : await adminEmails(trx);
    for (const a of alerts) await enqueueAlert(trx, alertFacts(a, facts), { emails, webhookUrl: deps.config.ALERT_WEBHOOK_URL });
    return alerts;
  });
  for (const a of raised) selloutAlertsRaised.inc({ direction: a.direction });
  return raised;
}

export const selloutCheckFailures = new Counter({
  name: 'cinema_sellout_check_failures_total',
  help: 'Sell-out decisions that failed (database unavailable); the next seat change of the screening decides again',
  registers: [],
});

/**
 * The watch inventory calls after sold seats changed: decides, and never fails the caller. A decision
 * that fails (database unavailable) is remembered and made again by retry() (the job
 * jobs/sellout-retry.ts), so a crossing that followed a show's last seat change is raised late,
 * never lost while this process lives.
 */
export function selloutWatch(deps: Deps): Deps['sellout'] {
  const pending = new Set<number>();
  const decide = async (screeningId: number) => {
    try {
      await checkSellout(deps, screeningId);
      pending.delete(screeningId);
    } catch {
      selloutCheckFailures.inc();
      pending.add(screeningId);
    }
  };
  return {
    changed: decide,
    async retry() {
      const due = [...pending];
      for (const id of due) await decide(id);
      return pending.size;
    },
  };
}
