// Benchmark: GET /api/v1/screenings on PostgreSQL, against a Fastify hello world in the same run.
//
//   node --import tsx bench/screenings.ts [--with-baseline] [--duration=10] [--connections=100] [--warmup=2]
//
// 1. creates a fresh PostgreSQL database (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres)
// 2. starts the API as its own process (`node --import tsx src/server.ts`) on that database and times its
//    cold start: spawn -> first 200 from /readyz (includes migrations and the demo-data seed)
// 3. logs in as the demo admin and runs autocannon against GET /api/v1/screenings (default page of 20)
// 4. stops the API, starts bench/hello.ts in its own process and runs the same load against it
// 5. --with-baseline: runs ../shared/bench/pg-baseline.sh (raw PostgreSQL figures, same run)
// Writes bench/results/<UTC time>-screenings.json and appends an entry to bench/RESULTS.md.
// Loopback only, fixed durations. It kills only the processes it started and drops its database, also
// on failure or Ctrl-C. The shared machinery is in bench/lib/.
import { login, startApi } from './lib/api.ts';
import { fmt, log, pct, ratioOf } from './lib/common.ts';
import { createDatabase, dropDatabase, serverVersion } from './lib/database.ts';
import { load, type Summary } from './lib/load.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { stop } from './lib/processes.ts';
import { type Baseline, helloWorld, pgBaseline } from './lib/references.ts';
import { baselineLine, entryHead, type RunInfo, runInfo, saveResults, table } from './lib/report.ts';
import { runBenchmark } from './lib/run.ts';

const opts = parseOptions('screenings');

interface ScreeningsResult extends RunInfo {
  api: Summary & { cold_start_ms: number; endpoint: string; page_items: number; response_bytes: number };
  hello_world: Summary & { endpoint: string };
  ratio_api_to_hello: number | null;
  pg_baseline: Baseline | null;
}

async function main() {
  const when = new Date();
  const box = machine(await serverVersion());
  log(`machine: ${describe(box)}`);
  const db = await createDatabase('screenings');

  // ---- the API: cold start, then load
  const api = await startApi(db.url);
  log(`API cold start: ${api.coldStartMs} ms (spawn -> first 200 from /readyz, incl. migrations + demo seed)`);
  const auth = await login(api.base, 'admin@cinema.com');

  const listUrl = `${api.base}/api/v1/screenings`;
  const probe = await fetch(listUrl, { headers: auth });
  const probeText = await probe.text();
  if (probe.status !== 200) throw new Error(`GET /api/v1/screenings: ${probe.status} ${probeText.slice(0, 300)}`);
  const pageItems = ((JSON.parse(probeText) as { data?: unknown[] }).data ?? []).length;
  const bytes = Buffer.byteLength(probeText);
  log(`GET /api/v1/screenings: 200, ${pageItems} screenings, ${bytes} bytes`);

  const apiLoad = await load('api', listUrl, opts, auth);
  await stop(api.child);

  // ---- hello world, same machine, same run; then raw PostgreSQL with nothing else running
  const { load: helloLoad } = await helloWorld(opts);
  await dropDatabase(db.name);
  const baseline = opts.withBaseline ? await pgBaseline() : null;

  const ratio = ratioOf(apiLoad.req_per_s_mean, helloLoad.req_per_s_mean);
  const result: ScreeningsResult = {
    ...runInfo('screenings', when, box, opts),
    api: {
      cold_start_ms: api.coldStartMs,
      endpoint: 'GET /api/v1/screenings (bearer token, default page of 20)',
      page_items: pageItems,
      response_bytes: bytes,
      ...apiLoad,
    },
    hello_world: { endpoint: 'GET / (Fastify, bench/hello.ts)', ...helloLoad },
    ratio_api_to_hello: ratio,
    pg_baseline: baseline,
  };
  const file = saveResults(result, (f) => markdown(result, f));
  log(`results: ${file}; entry appended to bench/RESULTS.md`);
  log(
    `cold start ${api.coldStartMs} ms | API ${fmt(apiLoad.req_per_s_mean)} req/s p50 ${apiLoad.latency_ms.p50} p99 ${apiLoad.latency_ms.p99} ms | ` +
      `hello ${fmt(helloLoad.req_per_s_mean)} req/s p50 ${helloLoad.latency_ms.p50} p99 ${helloLoad.latency_ms.p99} ms | ` +
      `ratio ${pct(ratio)}`,
  );
}

function markdown(r: ScreeningsResult, file: string): string {
  const lines = [
    ...entryHead(r),
    `- API cold start (spawn -> first 200 from /readyz, incl. migrations + demo seed on an empty database): **${fmt(r.api.cold_start_ms)} ms**`,
    '',
    ...table([
      { name: `API \`GET /api/v1/screenings\` (${r.api.page_items} per page)`, load: r.api },
      { name: 'Fastify hello world (`bench/hello.ts`)', load: r.hello_world },
    ]),
    '',
    `- ratio API / hello world: **${pct(r.ratio_api_to_hello)}**`,
  ];
  if (r.pg_baseline) lines.push(baselineLine(r.pg_baseline, 'API', r.api.req_per_s_mean));
  lines.push(`- raw: \`${file}\``, '');
  return lines.join('\n');
}

await runBenchmark(main);
