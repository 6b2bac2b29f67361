// The seat picker is live: what another customer holds, releases or buys shows within 2 s without a
// reload; after the socket drops, the page reconnects and shows the true map; a hold that runs out
// says so and its seats go back on sale.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { call, loginAs } from '../helpers/http.ts';
import { logIn, newPage, openShowtime, skipBrowser, skipBrowserAnyMode, type WebApp, webAppAndBrowser } from './helpers.ts';

const seatButton = (page: Page, label: string) => page.locator(`button.seat[aria-label^="Row ${label[0]} seat ${label.slice(1)},"]`);

async function seatIds(web: WebApp, screeningId: number, labels: string[]): Promise<number[]> {
  const r = await call(web.t.app, { method: 'GET', url: `/api/v1/screenings/${screeningId}/seats` });
  return labels.map((l) => r.body.data.seats.find((s: { label: string }) => s.label === l).id);
}

async function holdByApi(web: WebApp, token: string, screeningId: number, labels: string[]) {
  const r = await call(web.t.app, {
    method: 'POST',
    url: `/api/v1/screenings/${screeningId}/holds`,
    token,
    payload: { seat_ids: await seatIds(web, screeningId, labels) },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data as { id: string };
}

/** Signed in and looking at the first showtime of the movie: the page and the screening id. */
async function watcher(browser: Browser, web: WebApp, errors: string[]) {
  const context = await browser.newContext();
  const page = await newPage(context, errors);
  await page.goto(`${web.base}/login`);
  await logIn(page);
  await page.waitForURL(`${web.base}/`);
  const id = await openShowtime(page, web);
  await page.getByText('Live: the map follows').waitFor();
  return { page, id, context };
}

describe('the live seat map in the browser', { skip: skipBrowserAnyMode }, () => {
  const ctx = webAppAndBrowser();
  let other: string;
  before(async () => {
    const reg = await call(ctx.web.t.app, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'bob@example.com', password: 'violet tractor umbrella sings', full_name: 'Bob Other' },
    });
    assert.equal(reg.status, 201);
    other = await loginAs(ctx.web.t.app, 'bob@example.com', 'violet tractor umbrella sings');
  });

  test("another customer's hold, release and sale show within 2 s; a seat I picked and lost is said", async () => {
    const errors: string[] = [];
    const { page, id, context } = await watcher(ctx.browser, ctx.web, errors);
    await seatButton(page, 'F6').click();
    assert.equal(await seatButton(page, 'F6').getAttribute('aria-pressed'), 'true');

    const hold = await holdByApi(ctx.web, other, id, ['F6', 'F7']);
    await page
      .locator('.seat.held', { has: page.locator('text=7') })
      .first()
      .waitFor({ timeout: 2000 });
    await seatButton(page, 'F7').and(page.locator('.held')).waitFor({ timeout: 2000 });
    await page.getByText('Someone else just took F6.').waitFor({ timeout: 2000 });
    assert.equal(await seatButton(page, 'F6').getAttribute('aria-pressed'), 'false');

    assert.equal((await call(ctx.web.t.app, { method: 'DELETE', url: `/api/v1/holds/${hold.id}`, token: other })).status, 200);
    await seatButton(page, 'F7').and(page.locator('.available')).waitFor({ timeout: 2000 });

    // a sale: held, checked out by card, approved at the gateway
    const sold = await holdByApi(ctx.web, other, id, ['G8']);
    const co = await call(ctx.web.t.app, {
      method: 'POST',
      url: `/api/v1/holds/${sold.id}/checkout`,
      token: other,
      headers: { 'idempotency-key': `live-${sold.id}` },
      payload: { payment_method: 'card' },
    });
    assert.equal(co.status, 201, JSON.stringify(co.body));
    ctx.web.t.rt.simulator?.approve(co.body.data.payment.id);
    await ctx.web.t.rt.simulator?.flushWebhooks();
    await seatButton(page, 'G8').and(page.locator('.sold')).waitFor({ timeout: 2000 });
    assert.match((await seatButton(page, 'G8').getAttribute('aria-label')) ?? '', /, sold$/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a dropped socket: the page reconnects and shows what changed meanwhile', async () => {
    const errors: string[] = [];
    const { page, id, context } = await watcher(ctx.browser, ctx.web, errors);
    const wss = (ctx.web.t.app as unknown as { websocketServer: { clients: Set<{ terminate(): void }> } }).websocketServer;
    for (const client of wss.clients) client.terminate();
    await page.getByText('Reconnecting').waitFor({ timeout: 2000 });
    await holdByApi(ctx.web, other, id, ['D9']);
    await page.getByText('Live: the map follows').waitFor({ timeout: 5000 });
    await seatButton(page, 'D9').and(page.locator('.held')).waitFor({ timeout: 2000 });
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('a hold that runs out', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser({ HOLD_TTL_SECONDS: '10' });

  test('the countdown ends, the page says so, the seats are free for others', async () => {
    const errors: string[] = [];
    const { page, id, context } = await watcher(ctx.browser, ctx.web, errors);
    await seatButton(page, 'C4').click();
    await page.getByRole('button', { name: 'Hold these seats' }).click();
    await page.getByRole('heading', { name: 'Your seats are held' }).waitFor();
    await page.getByText('Your hold ran out and the seats went back on sale.').waitFor({ timeout: 15_000 });
    await seatButton(page, 'C4').and(page.locator('.available')).waitFor({ timeout: 3000 });
    const someone = await loginAs(ctx.web.t.app, 'admin@cinema.com');
    await holdByApi(ctx.web, someone, id, ['C4']);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
