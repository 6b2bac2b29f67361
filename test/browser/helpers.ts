// Browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser), against
// the API and web app of this checkout listening on a loopback port. Most run on the embedded
// default (the pages are the same on PostgreSQL); the live seat map runs in both modes (on Redis its
// events cross pub/sub). Skipped, with the reason, where Chromium or the built web app is missing
// (.ci/run installs the one and builds the other).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, afterEach, before } from 'node:test';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { WEB_DIST } from '../../src/http/web-app.ts';
import { DEMO } from '../../src/db/seed/demo-ids.ts';
import { freePort } from '../helpers/process.ts';
import { onPostgres, startTestApp, type TestApp } from '../helpers/runtime.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const cannotRun: string | false = !existsSync(CHROMIUM)
  ? `no Chromium at ${CHROMIUM} (apt-get install chromium)`
  : !existsSync(join(WEB_DIST, 'index.html'))
    ? 'the web app is not built (npm run build:web)'
    : false;

/** Why a browser suite is skipped here, or false: most run on the embedded default only. */
export const skipBrowser: string | false = cannotRun || (onPostgres ? 'this browser suite runs on the embedded default' : false);

/** For suites where the database mode matters (live updates through Redis): both modes. */
export const skipBrowserAnyMode: string | false = cannotRun;

/** Debian's Chromium, headless; `extraArgs` for a suite that needs more (a fake camera). */
export function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now ("id: target" each). */
export async function axeProblems(page: Page): Promise<string[]> {
  // evaluate() is not bound by the page's CSP (which allows no injected script)
  await page.evaluate(`${AXE};0`);
  const found = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))`)) as string[];
  return found.map((f) => `${new URL(page.url()).pathname} ${f}`);
}

export interface WebApp {
  base: string;
  t: TestApp;
  close(): Promise<void>;
}

/** The API with the web app and the gateway simulator, listening where the browser can reach it. */
export async function startWebApp(env: Record<string, string> = {}): Promise<WebApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp({ PORT: String(port), PUBLIC_BASE_URL: base, LOG_LEVEL: 'silent', ...env });
  await t.app.listen({ host: '127.0.0.1', port });
  return { base, t, close: () => t.close() };
}

/** A page that fails the test on a script error. */
export async function newPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

export async function logIn(page: Page, email = 'customer@cinema.com', password = 'password') {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * From the home page to the seat picker of the movie's next show in Jakarta in a big hall with couple
 * seats (the tests pick seats by row and need a couple pair), choosing its day in the date strip and
 * its link in the list as a person would. Not simply "the first showtime": which of today's shows are
 * still on sale depends on the hour the test runs, and with them the hall. At least three hours
 * ahead, so a refund falls in a paying tier of the default policy (none under two hours): CI once
 * bought a show 1-2 hours off at 21:00 in Jakarta and the refund test found no refund to quote.
 */
export async function openShowtime(page: Page, web: WebApp, movie = 'Dune: Part Two'): Promise<number> {
  const { rows } = await web.t.rt.db.query<{ id: number }>(
    `SELECT s.id FROM screenings s JOIN movies m ON m.id = s.movie_id JOIN theaters t ON t.id = s.theater_id
      WHERE m.title = $1 AND t.city_id = $2 AND s.status = 'scheduled' AND s.is_available
        AND s.show_time > now() + interval '3 hours'
        AND (SELECT count(DISTINCT row_label) FROM seats WHERE hall_id = s.hall_id) >= 8
        AND EXISTS (SELECT 1 FROM seats WHERE hall_id = s.hall_id AND seat_type = 'couple')
      ORDER BY s.show_time LIMIT 1`,
    [movie, DEMO.cities.jakarta],
  );
  if (!rows[0]) throw new Error(`no show of ${movie} in a big Jakarta hall with couple seats`);
  const id = rows[0].id;
  await page.goto(`${web.base}/`);
  await page
    .getByRole('link', { name: new RegExp(movie) })
    .first()
    .click();
  await page.getByRole('heading', { level: 1, name: movie }).waitFor();
  const days = page.locator('.dates button');
  const link = page.locator(`a.showtime[href="/showtimes/${id}"]`);
  for (let i = 0; i < (await days.count()); i++) {
    await days.nth(i).click();
    try {
      await link.waitFor({ timeout: 3000 });
    } catch {
      continue;
    }
    await link.click();
    await page.locator('.seat').first().waitFor();
    return id;
  }
  throw new Error(`show ${id} of ${movie} is not in the date strip`);
}

/** A describe block's app and browser, started before its tests and closed after them. */
export function webAppAndBrowser(env: Record<string, string> = {}) {
  const box: { web: WebApp; browser: Browser } = {} as never;
  before(async () => {
    [box.web, box.browser] = await Promise.all([startWebApp(env), launch()]);
  });
  afterEach(async () => {
    if (box.browser) await reportOpenPages(box.browser);
    // Each test starts with the accounts' languages as the demo has them: a test that switched the
    // page to Bahasa Indonesia while signed in saved it on the account (lib/account-locale.ts), and
    // the next sign-in of that account on a browser without a pick would show Indonesian.
    await box.web?.t.rt.db.query(`UPDATE users SET locale = 'en' WHERE locale <> 'en'`);
  });
  after(async () => {
    await box.browser?.close();
    await box.web?.close();
  });
  return box;
}

/**
 * Every test closes the browser contexts it opened as its last step, so a context still open after a
 * test is one whose test failed on the way: print where each of its pages stood and what it showed
 * (a CI log then says more than "timed out waiting for ..."), and close it.
 */
export async function reportOpenPages(browser: Browser): Promise<void> {
  for (const context of browser.contexts()) {
    for (const page of context.pages()) {
      const text = await page
        .locator('body')
        // biome-ignore lint/performance/useDomNodeTextContent: the rendered text, as a person saw the page, is the point
        .innerText({ timeout: 2000 })
        .catch((e: Error) => `(no text: ${e.message.split('\n')[0]})`);
      console.error(`[browser] a page left open by a failed test: ${page.url()}\n${text.slice(0, 1500)}\n[browser] end of page`);
    }
    await context.close().catch(() => {});
  }
}
