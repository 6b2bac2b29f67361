// The fault suite: `npm run faults` (`-- --short` is CI's version, test/faults.test.ts). Starts the
// N-instance setup on a PostgreSQL primary + replica and a Redis of its own (setup.ts), then, for
// each fault in turn (faults.ts), runs the contended load (load.ts), injects the fault under it,
// times /readyz back on every instance, stops the load and checks the invariants (checks.ts).
// Prints one row per fault (table.ts) and exits 1 on any breach. Everything it started is stopped
// at the end, on failure and on Ctrl-C.
import { check } from './checks.ts';
import { faults, readyAgain } from './faults.ts';
import { emptyAcknowledged, startLoad } from './load.ts';
import { type Rig, serverErrors, startRig } from './setup.ts';
import { type Row, renderDetails, renderTable, rowBreaches } from './table.ts';

const SHORT = process.argv.includes('--short');

const PLAN = SHORT
  ? { instances: 2, customers: 16, screenings: 2, rows: 6, perRow: 12, warmMs: 1_500, afterMs: 2_000 }
  : { instances: 3, customers: 80, screenings: 4, rows: 10, perRow: 16, warmMs: 4_000, afterMs: 6_000 };
// --only=<words>: just the faults whose name contains them (to chase one breach)
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const FAULTS = faults(
  SHORT
    ? { instanceDownMs: 1_000, redisDownMs: 3_000, pgDownMs: 1_500, replicaDownMs: 3_000 }
    : { instanceDownMs: 2_000, redisDownMs: 3_000, pgDownMs: 3_000, replicaDownMs: 5_000 },
);
/** every instance answers /readyz 200 within this after a fault ended */
const READY_BOUND_MS = 20_000;
/** webhooks and the reconciler (every 1 s) settle every captured payment within this after the load stopped */
const SETTLE_BOUND_MS = 20_000;
const LOSES_WEBHOOKS = 'PostgreSQL crash-restart';

/** Switches the gateway simulator's faults (its control route). */
async function gatewayFaults(rig: Rig, faults: Record<string, string>): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${rig.cluster.gateway.port}/_gateway/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!r.ok) throw new Error(`gateway faults ${JSON.stringify(faults)}: ${r.status} ${await r.text()}`);
}

const T0 = performance.now();
const say = (line: string) => process.stdout.write(`[faults ${((performance.now() - T0) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function run(rig: Rig): Promise<Row[]> {
  const ack = emptyAcknowledged();
  const rows: Row[] = [];
  const reported = new Set<string>();
  for (const fault of FAULTS.filter((f) => !ONLY || f.name.includes(ONLY))) {
    // While the primary crash-restarts, the gateway loses every webhook too (until the checks are
    // done): each payment approved in that phase can only be settled by the reconciler.
    const webhooksLost = fault.name === LOSES_WEBHOOKS;
    const approvedBefore = ack.approved.length;
    if (webhooksLost) await gatewayFaults(rig, { webhooks: 'drop' });
    const load = startLoad(
      {
        baseUrl: rig.cluster.url,
        gatewayUrl: `http://127.0.0.1:${rig.cluster.gateway.port}`,
        customers: rig.customers,
        screenings: rig.screenings,
        phase: fault.name,
        // most holds are let go again, so the seats stay contended phase after phase
        checkoutShare: 0.1,
        releaseShare: 0.75,
      },
      ack,
    );
    await sleep(PLAN.warmMs);
    const { endedAt, note, breaches: during } = await fault.inject(rig);
    const ready = await readyAgain(rig, endedAt, READY_BOUND_MS);
    const readyMs = ready.ms;
    await sleep(PLAN.afterMs);
    await load.stop();
    const verdict = await check(rig.databaseUrl, `http://127.0.0.1:${rig.cluster.gateway.port}`, rig.screenings, ack, SETTLE_BOUND_MS);
    const stuck = ack.approved.length - approvedBefore;
    if (webhooksLost) await gatewayFaults(rig, { webhooks: 'ok' });
    const noteAll = webhooksLost ? `${note}; every webhook dropped: ${stuck} payments approved, settled by the reconciler alone` : note;
    const logged = serverErrors(rig).filter((e) => !reported.has(e));
    for (const e of logged) reported.add(e);
    const row: Row = { fault: fault.name, note: noteAll, during, tally: load.tally, readyMs, notReady: ready.ms === undefined ? ready.why : [], verdict, logged };
    rows.push(row);
    const n = rowBreaches(row, READY_BOUND_MS).length;
    say(
      `${fault.name}: ${load.tally.requests} requests, /readyz back after ${readyMs === undefined ? '-' : (readyMs / 1000).toFixed(1)} s, ${n === 0 ? 'ok' : `${n} breaches`}`,
    );
  }
  say(
    `acknowledged over the run: ${ack.grants.size} holds, ${ack.released.size} released by their customer, ${ack.approved.length} payments approved`,
  );
  return rows;
}

async function main() {
  const t0 = performance.now();
  say(
    `${SHORT ? 'short' : 'full'} run: ${PLAN.instances} instances, ${PLAN.customers} customers on ${PLAN.screenings} screenings of ${PLAN.rows * PLAN.perRow} seats`,
  );
  let stopper: (() => Promise<void>) | undefined;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= stopper?.() ?? Promise.resolve());
  const interrupted = (signal: string) => {
    say(`${signal}: stopping everything the suite started`);
    void close().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => interrupted('SIGINT'));
  process.once('SIGTERM', () => interrupted('SIGTERM'));
  let rows: Row[];
  try {
    const rig = await startRig(PLAN, say, (c) => (stopper = c));
    rows = await run(rig);
  } finally {
    await close();
  }
  const failed = rows.some((r) => rowBreaches(r, READY_BOUND_MS).length > 0);
  process.stdout.write(`\n${renderTable(rows, READY_BOUND_MS)}\n\n${renderDetails(rows, READY_BOUND_MS)}\n\n`);
  process.stdout.write(
    `bounds: /readyz 200 'ready' on every instance within ${READY_BOUND_MS / 1000} s of the fault's end; captured payments settled within ${SETTLE_BOUND_MS / 1000} s of the load's end\n`,
  );
  process.stdout.write(
    `${failed ? 'BREACH: at least one invariant broken (above)' : 'OK: no breach under any fault'} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
  );
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`[faults] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
