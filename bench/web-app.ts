// Benchmark: the customer web app in Debian's Chromium.
//
//   node --import tsx bench/web-app.ts [--rounds=5] [--deltas=20] [--latency=100]
//
// 1. initial JavaScript of the customer pages: the entry script and its modulepreloads in
//    web/dist/index.html, gzip level 9 (target <= 150 KB)
// 2. a 500-seat hall (20 rows of 25, two aisles; VIP, couple, wheelchair and companion seats): from
//    the seat map's data arriving to the hall laid out (performance.measure "seatmap:data-render",
//    style and layout included, paint not), median of --rounds page loads (target <= 100 ms)
// 3. a live delta of 50 seats: from the message to the hall laid out again
//    ("seatmap:delta-render"), median and worst of --deltas (target <= 16 ms: one frame)
// Baseline, same page, same run: the same 500 seats written as plain buttons with innerHTML and
// laid out (what the browser needs at least, with no framework and no per-seat logic).
// The service runs in process (embedded, in memory); the seat map, the screening and the live socket
// are answered by the bench (Playwright routes), each after --latency ms (a fast connection's round
// trip; 0 makes the map arrive while the page is still starting), so the numbers are the browser's.
// Writes bench/results/<UTC time>-web-app.json and appends an entry to bench/RESULTS.md.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { WEB_DIST } from '../src/http/web-app.ts';
import { startLocalApp } from '../scripts/local-app.ts';
import { fmt, log } from './lib/common.ts';
import { machine } from './lib/machine.ts';
import { entryHead, type RunInfo, runInfo, saveResults } from './lib/report.ts';
import { runBenchmark } from './lib/run.ts';

const arg = (name: string, dflt: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const ROUNDS = arg('rounds', 5);
const DELTAS = arg('deltas', 20);
const LATENCY_MS = arg('latency', 100);
const later = () => new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TARGETS = { js_gzip_kb: 150, first_render_ms: 100, delta_ms: 16 };

type Status = 'available' | 'held' | 'sold' | 'blocked';

/** A 500-seat hall: rows A-T, 25 seats each, aisles after seats 5 and 20. */
function hall500() {
  const seats = [];
  let id = 1;
  for (let y = 0; y < 20; y++) {
    const row = String.fromCharCode(65 + y);
    for (let n = 1; n <= 25; n++) {
      const x = n - 1 + (n > 5 ? 1 : 0) + (n > 20 ? 1 : 0);
      const type =
        y === 19
          ? 'couple'
          : y >= 14 && y <= 16
            ? 'vip'
            : y === 0 && (n === 1 || n === 25)
              ? 'wheelchair'
              : y === 0 && (n === 2 || n === 24)
                ? 'companion'
                : 'regular';
      const seat: Record<string, unknown> = {
        id,
        label: `${row}${n}`,
        row,
        number: n,
        type,
        x,
        y,
        status: 'available',
        price: type === 'vip' ? 95000 : type === 'couple' ? 80000 : 60000,
      };
      if (type === 'couple') seat.pair_seat_id = n % 2 === 1 ? id + 1 : id - 1;
      if (type === 'companion') seat.companion_for_seat_id = n === 2 ? id - 1 : id + 1;
      seats.push(seat);
      id++;
    }
  }
  return {
    screening_id: 1,
    version: 1,
    on_sale: true,
    currency: 'IDR',
    hall: { id: 1, name: 'Studio 1', screen_type: 'IMAX', screen: 'top', aisles: [5, 21] },
    counts: { available: 500, held: 0, sold: 0, blocked: 0 },
    availability: 'available',
    seats,
  };
}

const SHOWTIME = {
  id: 1,
  movie_id: 1,
  theater_id: 1,
  hall_id: 1,
  show_time: '2030-01-01T12:00:00.000Z',
  end_time: '2030-01-01T15:00:00.000Z',
  price: 60000,
  price_3d: null,
  price_from: 60000,
  currency: 'IDR',
  available_seats: 500,
  is_3d: false,
  is_available: true,
  status: 'scheduled',
  created_at: '2029-12-01T00:00:00.000Z',
  updated_at: '2029-12-01T00:00:00.000Z',
  local_time: '2030-01-01T19:00',
  movie: { id: 1, title: 'Bench Movie', duration: 180, rating: '13+', genre: ['Drama'], poster_url: null },
  theater: { id: 1, name: 'Bench Theater', city_id: 1, time_zone: 'Asia/Jakarta' },
  hall: { id: 1, name: 'Studio 1', screen_type: 'IMAX', capacity: 500 },
  availability: 'available',
};
const THEATER = {
  id: 1,
  city_id: 1,
  name: 'Bench Theater',
  address: 'Jl. Bench 1',
  time_zone: 'Asia/Jakarta',
  orphan_seat_rule: true,
  companion_needs_wheelchair: true,
  sellout_alert_percents: [80, 95, 100],
};
const USER = { id: 9, email: 'bench@example.com', full_name: 'Bench', role: 'customer' };

/** Initial JavaScript: the entry script and its modulepreloads, gzip level 9. */
function initialJs(): { files: string[]; gzip_bytes: number; raw_bytes: number } {
  const html = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<script[^>]+src="([^"]+)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  let gzip = 0;
  let raw = 0;
  for (const f of files) {
    const body = readFileSync(join(WEB_DIST, f));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  return { files, gzip_bytes: gzip, raw_bytes: raw };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measures(page: Page, name: string): Promise<number[]> {
  return page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((e) => e.duration), name);
}

async function waitForMeasures(page: Page, name: string, count: number) {
  await page.waitForFunction(([n, c]) => performance.getEntriesByName(n as string, 'measure').length >= (c as number), [name, count] as const, {
    timeout: 10_000,
  });
}

/** The same seats as plain buttons written with innerHTML and laid out: the floor under any UI. */
function plainDomMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const map = (window as unknown as { __benchMap: { seats: { x: number; y: number; label: string; number: number }[] } }).__benchMap;
    const box = document.createElement('div');
    box.style.cssText = 'display:grid;grid-template-columns:repeat(27,1fr);gap:3px;width:900px';
    document.body.append(box);
    const t0 = performance.now();
    box.innerHTML = map.seats
      .map(
        (s) => `<button type="button" aria-label="Row ${s.label} available" style="grid-column:${s.x + 1};grid-row:${s.y + 1}">${s.number}</button>`,
      )
      .join('');
    void box.offsetHeight;
    const ms = performance.now() - t0;
    box.remove();
    return ms;
  });
}

async function main() {
  const when = new Date();
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error('web/dist is not built: npm run build:web');
  const js = initialJs();
  log(`initial JavaScript: ${js.files.join(', ')}: ${fmt(js.gzip_bytes / 1024, 1)} KB gzip (${fmt(js.raw_bytes / 1024, 1)} KB raw)`);

  const local = await startLocalApp();
  const base = local.base;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const version = browser.version();
  const map = hall500();
  const firstRenders: number[] = [];
  const deltaRenders: number[] = [];
  const baselines: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const json = (body: unknown) => ({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ success: true, message: 'bench', data: body }),
      });
      const answer = (body: unknown) => async (r: { fulfill(o: ReturnType<typeof json>): Promise<void> }) => {
        await later();
        await r.fulfill(json(body));
      };
      await page.route('**/api/v1/auth/refresh', answer({ token: 'bench', token_type: 'Bearer', expires_in: 3600, user: USER }));
      await page.route('**/api/v1/showtimes/1', answer(SHOWTIME));
      await page.route('**/api/v1/theaters/1', answer(THEATER));
      await page.route('**/api/v1/screenings/1/seats', answer(map));
      let socket: { send(m: string): void } | undefined;
      await page.routeWebSocket('**/api/v1/screenings/1/live', (ws) => {
        ws.onMessage((m) => {
          if (String(m).includes('"auth"')) {
            ws.send(JSON.stringify({ type: 'snapshot', success: true, message: 'bench', data: map }));
            socket = ws;
          }
        });
      });
      await page.goto(`${base}/showtimes/1`);
      await waitForMeasures(page, 'seatmap:data-render', 1);
      firstRenders.push((await measures(page, 'seatmap:data-render'))[0]);
      await page.getByText('Live: the map follows').waitFor();
      if (round === 0) {
        // deltas of 50 seats: alternately held and available again, versions following on
        let version = map.version;
        for (let i = 0; i < DELTAS; i++) {
          const start = (i * 37) % 450;
          const seats = map.seats
            .slice(start, start + 50)
            .map((s) => ({ id: s.id as number, status: (i % 2 === 0 ? 'held' : 'available') as Status }));
          socket?.send(JSON.stringify({ type: 'delta', screening_id: 1, from: version + 1, version: version + 1, seats }));
          version++;
          await waitForMeasures(page, 'seatmap:delta-render', i + 1);
        }
        deltaRenders.push(...(await measures(page, 'seatmap:delta-render')));
        await page.evaluate((m) => {
          (window as unknown as { __benchMap: unknown }).__benchMap = m;
        }, map);
        for (let i = 0; i < ROUNDS * 4; i++) baselines.push(await plainDomMs(page));
      }
      await context.close();
      log(`round ${round + 1}: first render ${fmt(firstRenders[round], 1)} ms`);
    }
  } finally {
    await browser.close();
    await local.close();
  }

  const first = median(firstRenders);
  const delta = median(deltaRenders);
  const deltaWorst = Math.max(...deltaRenders);
  const plain = median(baselines);
  log(
    `500-seat hall, first render: median ${fmt(first, 1)} ms (${firstRenders.map((x) => fmt(x, 1)).join(', ')}); plain DOM baseline ${fmt(plain, 1)} ms`,
  );
  log(`delta of 50 seats: median ${fmt(delta, 1)} ms, worst ${fmt(deltaWorst, 1)} ms over ${deltaRenders.length}`);
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const v = {
    js: verdict(js.gzip_bytes / 1024 <= TARGETS.js_gzip_kb),
    first: verdict(first <= TARGETS.first_render_ms),
    delta: verdict(deltaWorst <= TARGETS.delta_ms),
  };
  const result: RunInfo & Record<string, unknown> = {
    ...runInfo('web-app', when, machine('not used'), {
      command: ['node --import tsx bench/web-app.ts', ...process.argv.slice(2)].join(' '),
      connections: 0,
      warmup: 0,
      duration: 0,
    } as never),
    browser: `Chromium ${version} (Debian), headless, 1280x900`,
    latency_ms: LATENCY_MS,
    initial_js: { ...js, target_kb: TARGETS.js_gzip_kb, verdict: v.js },
    first_render_ms: { rounds: firstRenders, median: first, target: TARGETS.first_render_ms, verdict: v.first },
    delta_render_ms: { all: deltaRenders, median: delta, worst: deltaWorst, target: TARGETS.delta_ms, verdict: v.delta },
    baseline_plain_dom_ms: { all: baselines, median: plain },
  };
  const file = saveResults(result, (f) =>
    [
      ...entryHead(
        result,
        `- load: one page at a time in ${result.browser}; service in process (embedded); seat map, screening and live socket answered by the bench after ${LATENCY_MS} ms; ${ROUNDS} page loads, ${DELTAS} deltas`,
      ),
      '',
      '| measure | value | target | verdict |',
      '|---|---:|---:|---|',
      `| initial JavaScript (gzip, level 9) | ${fmt(js.gzip_bytes / 1024, 1)} KB | <= ${TARGETS.js_gzip_kb} KB | ${v.js} |`,
      `| 500-seat hall: data to laid out, median of ${ROUNDS} | ${fmt(first, 1)} ms | <= ${TARGETS.first_render_ms} ms | ${v.first} |`,
      `| same 500 seats as plain innerHTML buttons (baseline, same run) | ${fmt(plain, 1)} ms | | |`,
      `| delta of 50 seats: median / worst of ${deltaRenders.length} | ${fmt(delta, 1)} / ${fmt(deltaWorst, 1)} ms | <= ${TARGETS.delta_ms} ms | ${v.delta} |`,
      '',
      `Raw numbers: \`${f}\``,
      '',
    ].join('\n'),
  );
  log(`results: ${file}`);
}

await runBenchmark(main);
