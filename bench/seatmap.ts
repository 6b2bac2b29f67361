// Benchmark: GET /api/v1/screenings/:id/seats (the public seat map) of a 300-seat hall on PostgreSQL,
// with the read cache on and off, against a Fastify hello world in the same run.
//
//   node --import tsx bench/seatmap.ts [--with-baseline] [--duration=10] [--connections=100] [--warmup=2]
//
// 1. creates a fresh PostgreSQL database and starts the API on it (migrations + demo seed)
// 2. picks the upcoming screening with the lowest id in the hall whose capacity is 300, checks that its
//    seat map answers 200 with 300 seats, without a token
// 3. CACHED: autocannon against it (READ_CACHE=true, the default)
// 4. CONDITIONAL: the same API and load with If-None-Match set to the map's ETag (304s expected)
// 5. UNCACHED: restarts the API with READ_CACHE=false on the same database, same load
// 6. stops the API, loads bench/hello.ts the same way; 7. --with-baseline: ../shared/bench/pg-baseline.sh
// Targets (the issue): cached seat map >= 40 % of the hello-world rate, and p99 < 50 ms.
// Writes bench/results/<UTC time>-seatmap.json and appends an entry to bench/RESULTS.md.
import { type Api, startApi } from './lib/api.ts';
import { fmt, log, pct, ratioOf } from './lib/common.ts';
import { createDatabase, dropDatabase, query, serverVersion } from './lib/database.ts';
import { load, type Summary } from './lib/load.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { stop } from './lib/processes.ts';
import { type Baseline, helloWorld, pgBaseline } from './lib/references.ts';
import { baselineLine, entryHead, type RunInfo, runInfo, saveResults, table } from './lib/report.ts';
import { runBenchmark } from './lib/run.ts';

const opts = parseOptions('seatmap');
const SEATS = 300;
const TARGET_SHARE = 0.4; // cached req/s >= 40 % of the hello world's
const TARGET_P99_MS = 50; // cached p99 < 50 ms

type Verdict = 'PASS' | 'MISS';
interface Target {
  target: string;
  value: number | null;
  verdict: Verdict;
}

interface SeatmapResult extends RunInfo {
  screening: { id: number; hall_id: number; hall: string; capacity: number; show_time: string; on_sale: boolean };
  endpoint: string;
  cached: Summary & { read_cache: true; cold_start_ms: number; response_bytes: number; etag: string };
  conditional: Summary & {
    read_cache: true;
    if_none_match: string;
    response_bytes: number;
    content_length_header: number | null;
    status_304: number;
  };
  uncached: Summary & { read_cache: false; start_ms: number; response_bytes: number };
  hello_world: Summary & { endpoint: string; response_bytes: number };
  ratios: {
    cached_to_hello: number | null;
    uncached_to_hello: number | null;
    conditional_to_hello: number | null;
    cached_to_uncached: number | null;
  };
  targets: { cached_share_of_hello: Target; cached_p99_ms: Target };
  pg_baseline: Baseline | null;
}

/** The upcoming screening with the lowest id in the hall whose capacity is 300. */
async function pickScreening(dbUrl: string) {
  const { rows } = await query<{ id: number; hall_id: number; hall: string; capacity: number; show_time: Date }>(
    `SELECT s.id, h.id AS hall_id, h.name AS hall, h.capacity, s.show_time
       FROM screenings s JOIN halls h ON h.id = s.hall_id
      WHERE h.capacity = $1 AND s.show_time > now()
      ORDER BY s.id LIMIT 1`,
    [SEATS],
    dbUrl,
  );
  if (!rows[0]) throw new Error(`no upcoming screening in a hall with capacity ${SEATS}`);
  return rows[0];
}

/** One GET of the seat map: checks 200 and 300 seats; returns its ETag, body size and on_sale. */
async function probe(url: string) {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  const data = (JSON.parse(text) as { data?: { seats?: unknown[]; on_sale?: boolean } }).data;
  const seats = data?.seats?.length ?? 0;
  if (seats !== SEATS) throw new Error(`GET ${url}: ${seats} seats, expected ${SEATS}`);
  const etag = res.headers.get('etag');
  if (!etag) throw new Error(`GET ${url}: no ETag`);
  const bytes = Buffer.byteLength(text);
  log(`GET ${new URL(url).pathname}: 200, ${seats} seats, ${bytes} bytes, ETag ${etag}`);
  return { etag, bytes, onSale: data?.on_sale === true };
}

/**
 * A GET with If-None-Match must answer 304 with an empty body. Returns the body size and the 304's
 * Content-Length header (RFC 9110 8.6: absent, or the 200's length; autocannon waits for that many bytes).
 */
async function probe304(url: string, etag: string) {
  const res = await fetch(url, { headers: { 'if-none-match': etag } });
  const bytes = (await res.arrayBuffer()).byteLength;
  if (res.status !== 304) throw new Error(`GET ${url} with If-None-Match: ${res.status}, expected 304`);
  const header = res.headers.get('content-length');
  const contentLength = header === null ? null : Number(header);
  if (contentLength) log(`warning: the 304 says Content-Length: ${header}; the load generator will wait for a body that never comes`);
  return { bytes, contentLength };
}

const clean = (s: Summary) => s.non_2xx === 0 && s.errors === 0;

async function main() {
  const when = new Date();
  const box = machine(await serverVersion());
  log(`machine: ${describe(box)}`);
  const db = await createDatabase('seatmap');

  // ---- CACHED (and CONDITIONAL on the same process)
  let api: Api = await startApi(db.url, { READ_CACHE: 'true' });
  log(`API cold start: ${api.coldStartMs} ms (spawn -> first 200 from /readyz, incl. migrations + demo seed)`);
  const sc = await pickScreening(db.url);
  log(`screening ${sc.id}: hall ${sc.hall_id} '${sc.hall}' (capacity ${sc.capacity}), ${sc.show_time.toISOString()}`);
  const path = `/api/v1/screenings/${sc.id}/seats`;
  const first = await probe(`${api.base}${path}`);
  const notModified = await probe304(`${api.base}${path}`, first.etag);
  const cached = await load('cached', `${api.base}${path}`, opts);
  const conditional = await load('conditional', `${api.base}${path}`, opts, { 'if-none-match': first.etag });
  const coldStartMs = api.coldStartMs;
  await stop(api.child);

  // ---- UNCACHED: same database, READ_CACHE=false
  api = await startApi(db.url, { READ_CACHE: 'false' });
  log(`API start (seeded database): ${api.coldStartMs} ms`);
  const again = await probe(`${api.base}${path}`);
  if (again.etag !== first.etag) log(`note: the uncached map differs from the cached one (ETag ${again.etag})`);
  const uncached = await load('uncached', `${api.base}${path}`, opts);
  const uncachedStartMs = api.coldStartMs;
  await stop(api.child);

  // ---- hello world, same machine, same run; then raw PostgreSQL with nothing else running
  const hello = await helloWorld(opts);
  await dropDatabase(db.name);
  const baseline = opts.withBaseline ? await pgBaseline() : null;

  const helloRate = hello.load.req_per_s_mean;
  const share = ratioOf(cached.req_per_s_mean, helloRate);
  const result: SeatmapResult = {
    ...runInfo('seatmap', when, box, opts, { read_cache: 'cached and conditional: READ_CACHE=true; uncached: READ_CACHE=false (API restarted)' }),
    screening: { ...sc, show_time: sc.show_time.toISOString(), on_sale: first.onSale },
    endpoint: `GET ${path} (public, no token)`,
    cached: { read_cache: true, cold_start_ms: coldStartMs, response_bytes: first.bytes, etag: first.etag, ...cached },
    conditional: {
      read_cache: true,
      if_none_match: first.etag,
      response_bytes: notModified.bytes,
      content_length_header: notModified.contentLength,
      status_304: conditional.status_codes['304'] ?? 0,
      ...conditional,
    },
    uncached: { read_cache: false, start_ms: uncachedStartMs, response_bytes: again.bytes, ...uncached },
    hello_world: { endpoint: 'GET / (Fastify, bench/hello.ts)', response_bytes: hello.responseBytes, ...hello.load },
    ratios: {
      cached_to_hello: share,
      uncached_to_hello: ratioOf(uncached.req_per_s_mean, helloRate),
      conditional_to_hello: ratioOf(conditional.req_per_s_mean, helloRate),
      cached_to_uncached: ratioOf(cached.req_per_s_mean, uncached.req_per_s_mean),
    },
    targets: {
      cached_share_of_hello: {
        target: `>= ${TARGET_SHARE * 100} % of the hello-world req/s`,
        value: share,
        verdict: clean(cached) && share !== null && share >= TARGET_SHARE ? 'PASS' : 'MISS',
      },
      cached_p99_ms: {
        target: `p99 < ${TARGET_P99_MS} ms`,
        value: cached.latency_ms.p99,
        verdict: clean(cached) && cached.latency_ms.p99 < TARGET_P99_MS ? 'PASS' : 'MISS',
      },
    },
    pg_baseline: baseline,
  };
  const file = saveResults(result, (f) => markdown(result, f));
  const t = result.targets;
  log(`results: ${file}; entry appended to bench/RESULTS.md`);
  log(
    `cached ${fmt(cached.req_per_s_mean)} req/s p99 ${cached.latency_ms.p99} ms | uncached ${fmt(uncached.req_per_s_mean)} req/s ` +
      `p99 ${uncached.latency_ms.p99} ms | 304s ${fmt(conditional.req_per_s_mean)} req/s | hello ${fmt(helloRate)} req/s | ` +
      `cached/hello ${pct(share)} ${t.cached_share_of_hello.verdict}, p99 ${t.cached_p99_ms.verdict}`,
  );
}

function markdown(r: SeatmapResult, file: string): string {
  const t = r.targets;
  const others = Object.entries(r.conditional.status_codes).filter(([code]) => code !== '304');
  const lines = [
    ...entryHead(r),
    `- screening ${r.screening.id} in hall ${r.screening.hall_id} '${r.screening.hall}' (${r.screening.capacity} seats), ` +
      `${r.screening.show_time}; \`GET /api/v1/screenings/${r.screening.id}/seats\`, public (no token)`,
    `- API start: ${fmt(r.cached.cold_start_ms)} ms cold (migrations + seed), ${fmt(r.uncached.start_ms)} ms restarted with READ_CACHE=false`,
    '',
    ...table([
      { name: 'seat map, cached (READ_CACHE=true)', load: r.cached, bytes: r.cached.response_bytes },
      { name: 'seat map, uncached (READ_CACHE=false)', load: r.uncached, bytes: r.uncached.response_bytes },
      { name: 'seat map, cached, `If-None-Match` (304s expected)', load: r.conditional, bytes: r.conditional.response_bytes },
      { name: 'Fastify hello world (`bench/hello.ts`)', load: r.hello_world, bytes: r.hello_world.response_bytes },
    ]),
    '',
    `- conditional GET: ${fmt(r.conditional.status_304)} of ${fmt(r.conditional.requests_total)} responses were 304` +
      (others.length ? `; others: ${others.map(([c, n]) => `${c === 'undefined' ? 'no status' : c} x${n}`).join(', ')}` : '') +
      `, ${fmt(r.conditional.timeouts)} timeouts`,
    ...(r.conditional.content_length_header
      ? [
          `- **the 304 carries \`Content-Length: ${r.conditional.content_length_header}\`** (RFC 9110 8.6: absent, or the 200's length): ` +
            "autocannon's HTTP parser then waits for a body a 304 never has, so each connection stalls until its 10 s " +
            'timeout: the conditional run measures that defect, not the 304 path',
        ]
      : []),
    `- ratio to hello world: cached **${pct(r.ratios.cached_to_hello)}**, uncached **${pct(r.ratios.uncached_to_hello)}**, ` +
      `conditional ${pct(r.ratios.conditional_to_hello)}; cached / uncached ${r.ratios.cached_to_uncached?.toFixed(1) ?? 'n/a'}x`,
    `- target "cached seat map >= 40% of the hello-world rate": ${pct(t.cached_share_of_hello.value)} **${t.cached_share_of_hello.verdict}**`,
    `- target "p99 < 50 ms" (cached): ${fmt(r.cached.latency_ms.p99, 1)} ms **${t.cached_p99_ms.verdict}**`,
  ];
  if (r.pg_baseline) lines.push(baselineLine(r.pg_baseline, 'cached seat map', r.cached.req_per_s_mean));
  lines.push(`- raw: \`${file}\``, '');
  return lines.join('\n');
}

await runBenchmark(main);
