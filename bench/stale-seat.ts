// Probe: after an answer from instance A (a hold's 201, a release's 200), does the seat map read from
// instance B show it? Two API processes share one PostgreSQL database and one Redis.
//
//   node --import tsx bench/stale-seat.ts [--before=REV] [--probes=50] [--readers=8] [--writers=8]
//
// For this checkout (and, with --before, for REV in a temporary worktree, first), on a fresh
// database and a Redis prefix of its own: starts A and B, picks an upcoming screening of the 300-seat
// hall and an edge seat (holding it never strands a neighbour). Meanwhile `readers` loops read B's
// seat map of that screening back to back, so B always has it cached, and `writers` loops hold and
// release other seats of it through A, so A is busy and publishing, as on a release night. Each
// probe: hold the seat through A; at once read B's map; if the seat is not "held" there, read again
// every 2 ms until it is (how long B was stale). Then the same for the release through A.
// Reports, per version: stale reads out of the probes, and the longest and median stale window.
// Target (issue 17, part 3): 0 stale reads after the answer.
// Writes bench/results/<UTC time>-stale-seat.json and appends an entry to bench/RESULTS.md.
import { type Api, login, startApi } from './lib/api.ts';
import { fmt, log, ROOT } from './lib/common.ts';
import { createDatabase, query, serverVersion } from './lib/database.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { exited, stop } from './lib/processes.ts';
import { deleteKeys, REDIS_URL, redisVersion, runPrefix } from './lib/redis.ts';
import { entryHead, type RunInfo, runInfo, saveResults } from './lib/report.ts';
import { onCleanup, runBenchmark } from './lib/run.ts';
import { git, worktreeOf } from './lib/worktree.ts';

const OWN = { pattern: /^--(before=\S+|probes=\d+|readers=\d+|writers=\d+)$/, usage: '[--before=REV] [--probes=50] [--readers=8] [--writers=8]' };
const opts = parseOptions('stale-seat', process.argv.slice(2), OWN);
const arg = (key: string) => process.argv.find((a) => a.startsWith(`--${key}=`))?.split('=')[1];
const PROBES = Number(arg('probes') ?? 50);
const READERS = Number(arg('readers') ?? 8);
const WRITERS = Number(arg('writers') ?? 8);
const SEATS = 300;
const GIVE_UP_MS = 5_000;

interface Side {
  change: 'hold' | 'release';
  stale: number;
  windows_ms: number[];
}

interface VersionRun {
  label: string;
  rev: string;
  sides: Side[];
  reads_by_readers: number;
  hold_attempts_by_writers: number;
}

interface StaleResult extends RunInfo {
  probes: number;
  readers: number;
  writers: number;
  redis: string;
  runs: VersionRun[];
}

async function seatStatus(base: string, screeningId: number, seatId: number): Promise<string> {
  const res = await fetch(`${base}/api/v1/screenings/${screeningId}/seats`);
  const body = (await res.json()) as { data: { seats: { id: number; status: string }[] } };
  return body.data.seats.find((s) => s.id === seatId)?.status ?? 'missing';
}

/** 0 when B shows `want` at once, else the milliseconds until it does. */
async function staleFor(base: string, screeningId: number, seatId: number, want: string): Promise<number> {
  const t0 = performance.now();
  if ((await seatStatus(base, screeningId, seatId)) === want) return 0;
  while (performance.now() - t0 < GIVE_UP_MS) {
    await new Promise((r) => setTimeout(r, 2));
    if ((await seatStatus(base, screeningId, seatId)) === want) return Math.max(1, performance.now() - t0);
  }
  return GIVE_UP_MS;
}

async function probeVersion(label: string, rev: string, cwd: string): Promise<VersionRun> {
  const db = await createDatabase(`stale_${label}`);
  const prefix = runPrefix(`stale-${label}`);
  onCleanup(() => deleteKeys(prefix));
  const env = { REDIS_URL, REDIS_PREFIX: prefix };
  const apis: Api[] = [];
  try {
    apis.push(await startApi(db.url, env, cwd)); // A: migrations and demo data
    apis.push(await startApi(db.url, env, cwd)); // B
    const [a, b] = apis;
    const { rows } = await query<{ id: number }>(
      `SELECT s.id FROM screenings s JOIN halls h ON h.id = s.hall_id
        WHERE h.capacity = $1 AND s.show_time > now() + interval '1 hour' ORDER BY s.id LIMIT 1`,
      [SEATS],
      db.url,
    );
    const screeningId = rows[0].id;
    const map = (await (await fetch(`${a.base}/api/v1/screenings/${screeningId}/seats`)).json()) as {
      data: { seats: { id: number; x: number; type: string; label: string }[] };
    };
    const edge = map.data.seats.filter((s) => s.type === 'regular').sort((p, q) => p.x - q.x)[0];
    const auth = await login(a.base, 'customer@cinema.com');
    log(`${label}: screening ${screeningId}, seat ${edge.label} (id ${edge.id}), ${PROBES} probes, ${READERS} readers on B`);

    // the writers: each holds and releases seats of its own (the right half of the hall) through A
    const others = map.data.seats.filter((s) => s.type === 'regular' && s.x >= 8);
    let running = true;
    let reads = 0;
    let writes = 0;
    let failure: unknown;
    // writers are customers of their own: a customer's new hold on a screening replaces their last one
    const writerAuth = await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        const r = await fetch(`${a.base}/api/v1/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `writer${w}-${Date.now()}@example.com`, password: 'long enough pw', full_name: `Writer ${w}` }),
        });
        const body = (await r.json()) as { data?: { token: string } };
        if (r.status !== 201 || !body.data) throw new Error(`register: ${r.status} ${JSON.stringify(body)}`);
        return { authorization: `Bearer ${body.data.token}` };
      }),
    );
    // a loop that fails stops the run (and says why) instead of crashing the process
    const loop = (body: () => Promise<void>) => async () => {
      try {
        while (running) await body();
      } catch (err) {
        failure ??= err;
        running = false;
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => {
      const mine = others.filter((_, i) => i % WRITERS === w).slice(0, 4);
      return loop(async () => {
        const r = await fetch(`${a.base}/api/v1/screenings/${screeningId}/holds`, {
          method: 'POST',
          headers: { ...writerAuth[w], 'content-type': 'application/json' },
          body: JSON.stringify({ seat_ids: [mine[writes % mine.length].id] }),
        });
        const body = (await r.json()) as { data?: { id: string } };
        if (r.status === 201 && body.data) await fetch(`${a.base}/api/v1/holds/${body.data.id}`, { method: 'DELETE', headers: writerAuth[w] });
        writes++;
      })();
    });
    const readers = Array.from({ length: READERS }, () =>
      loop(async () => {
        await fetch(`${b.base}/api/v1/screenings/${screeningId}/seats`).then((r) => r.arrayBuffer());
        reads++;
      })(),
    );
    const sides: Side[] = [
      { change: 'hold', stale: 0, windows_ms: [] },
      { change: 'release', stale: 0, windows_ms: [] },
    ];
    for (let i = 0; i < PROBES && !failure; i++) {
      const hold = await fetch(`${a.base}/api/v1/screenings/${screeningId}/holds`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ seat_ids: [edge.id] }),
      });
      const held = (await hold.json()) as { data: { id: string } };
      if (hold.status !== 201) throw new Error(`hold: ${hold.status} ${JSON.stringify(held)}`);
      const w1 = await staleFor(b.base, screeningId, edge.id, 'held');
      if (w1 > 0) sides[0].stale++, sides[0].windows_ms.push(w1);
      const release = await fetch(`${a.base}/api/v1/holds/${held.data.id}`, { method: 'DELETE', headers: auth });
      if (release.status !== 200) throw new Error(`release: ${release.status} ${await release.text()}`);
      const w2 = await staleFor(b.base, screeningId, edge.id, 'available');
      if (w2 > 0) sides[1].stale++, sides[1].windows_ms.push(w2);
    }
    running = false;
    await Promise.all([...readers, ...writers]);
    if (failure) throw failure;
    for (const s of sides) {
      log(
        `${label}: after a ${s.change}, B was stale in ${s.stale} of ${PROBES} probes${s.stale ? `, for up to ${fmt(Math.max(...s.windows_ms), 1)} ms` : ''}`,
      );
    }
    return { label, rev, sides, reads_by_readers: reads, hold_attempts_by_writers: writes };
  } catch (err) {
    for (const api of apis) if (exited(api.child)) log(`an API exited early; its last output:\n${api.child.output()}`);
    throw err;
  } finally {
    for (const api of apis) await stop(api.child);
  }
}

const median = (xs: number[]) => (xs.length === 0 ? 0 : [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]);

async function main() {
  if (!Number.isInteger(PROBES) || PROBES < 1 || PROBES > 1000) throw new Error('--probes must be 1..1000');
  if (!Number.isInteger(READERS) || READERS < 0 || READERS > 64) throw new Error('--readers must be 0..64');
  if (!Number.isInteger(WRITERS) || WRITERS < 0 || WRITERS > 64) throw new Error('--writers must be 0..64');
  const when = new Date();
  const box = machine(await serverVersion());
  log(`machine: ${describe(box)}`);
  const redis = await redisVersion();
  const afterRev = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'src') !== '';
  const runs: VersionRun[] = [];
  const beforeArg = arg('before');
  if (beforeArg) {
    const rev = git('rev-parse', '--short', beforeArg);
    runs.push(await probeVersion('before', rev, worktreeOf(rev)));
  }
  runs.push(await probeVersion('after', `${afterRev}${dirty ? ' + uncommitted changes' : ''}`, ROOT));

  const result: StaleResult = { ...runInfo('stale-seat', when, box, opts), probes: PROBES, readers: READERS, writers: WRITERS, redis, runs };
  const file = saveResults(result, (f) =>
    [
      ...entryHead(
        result,
        `- load: ${PROBES} probes per change; meanwhile ${READERS} readers loop on B's seat map and ${WRITERS} writers hold and release other seats through A; loopback`,
      ),
      `- two API processes (A, B) on one PostgreSQL database and Redis ${redis}; the change made through A, the map read from B at once`,
      '',
      '| version | change through A | stale reads on B | longest stale window | median stale window |',
      '|---|---|---:|---:|---:|',
      ...runs.flatMap((r) =>
        r.sides.map(
          (s) =>
            `| ${r.label} (${r.rev}) | ${s.change} | ${s.stale} of ${PROBES} | ${s.stale ? `${fmt(Math.max(...s.windows_ms), 1)} ms` : '-'} | ${s.stale ? `${fmt(median(s.windows_ms), 1)} ms` : '-'} |`,
        ),
      ),
      '',
      `Raw numbers: \`${f}\``,
      '',
    ].join('\n'),
  );
  log(`results: ${file}`);
}

await runBenchmark(main);
