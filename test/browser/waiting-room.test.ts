// A release-night rush in a real Chromium: other customers' hold attempts engage a screening's
// waiting room, and the customer in the browser who presses a hold button meets the queue instead of
// a hold: their place in line, a rough wait, their seats still chosen, a way out. The page asks the
// server again until it is their turn, then sends the same hold by itself and goes on as usual; or
// says the show sold out meanwhile. Also in Bahasa Indonesia, and left by keyboard.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { newCustomer } from '../helpers/checkout.ts';
import { call, loginAs } from '../helpers/http.ts';
import { plainScreening, seatMapOf } from '../helpers/screenings.ts';
import { axeProblems, logIn, newPage, openShowtime, skipBrowser, type WebApp, webAppAndBrowser } from './helpers.ts';

// More than one hold attempt a second engages a screening's room, and customers are let through one
// at a time: the browser's customer, queued behind a burst of others, waits some seconds, long enough
// to read the panel and short enough for a test.
const ROOM = { WAITING_ROOM_ENGAGE_PER_S: '1', WAITING_ROOM_ADMIT_PER_S: '1' };

interface Refusal {
  code: string;
  position: number;
  ahead: number;
  retry_after_ms: number;
}

/**
 * Other customers, each with one hold attempt on the screening, all at once: the room engages, and
 * those not let through take the first places in line. Fails, saying so, when no room engaged (the
 * server side of the waiting room missing or off).
 */
async function rush(web: WebApp, screeningId: number, seatIds: number[]): Promise<void> {
  const others = await Promise.all(seatIds.map((_, i) => newCustomer(web.t, `rush${i}`)));
  const answers = await Promise.all(
    others.map((o, i) =>
      call(web.t.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/holds`, token: o.token, payload: { seat_ids: [seatIds[i]] } }),
    ),
  );
  const queued = answers.filter((a) => a.status === 429 && a.body.code === 'waiting_room');
  assert.ok(
    queued.length > 0,
    `no waiting room engaged after ${seatIds.length} hold attempts in a second with WAITING_ROOM_ENGAGE_PER_S=1 ` +
      `(answers: ${answers.map((a) => `${a.status} ${a.body?.code ?? ''}`).join(', ')})`,
  );
}

/** What the page asked of the hold routes and of the waiting room, and what it was told. */
async function watchRoom(page: Page) {
  const seen = { holds: [] as number[], refusals: [] as Refusal[], polls: [] as { count: number; state: string }[] };
  page.on('response', async (r) => {
    if (r.request().method() !== 'POST' || !/\/screenings\/\d+\/holds(\/best-available)?$/.test(new URL(r.url()).pathname)) return;
    seen.holds.push(r.status());
    if (r.status() === 429) seen.refusals.push((await r.json()) as Refusal);
  });
  // passed through as they are; a response event alone would not show the body a fetch() sent
  await page.route('**/api/v1/screenings/*/waiting-room', async (route) => {
    const poll = { count: route.request().postDataJSON()?.count, state: 'no answer yet' };
    seen.polls.push(poll);
    const response = await route.fetch();
    const body = await response.json();
    poll.state = body.data?.state;
    await route.fulfill({ response, json: body });
  });
  return seen;
}

async function signedIn(page: Page, web: WebApp) {
  await page.goto(`${web.base}/login`);
  await logIn(page);
  await page.waitForURL(`${web.base}/`);
}

async function activeHolds(web: WebApp, screeningId: number) {
  const { rows } = await web.t.rt.db.query<{ seat_ids: number[] }>(
    `SELECT h.seat_ids FROM holds h JOIN users u ON u.id = h.user_id
      WHERE u.email = 'customer@cinema.com' AND h.screening_id = $1 AND h.status = 'active'`,
    [screeningId],
  );
  return rows;
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

describe('the waiting room in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser(ROOM);

  test('queued on a rush: the place in line, the seats still chosen; at its turn the page holds them by itself', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    const seen = await watchRoom(page);
    await signedIn(page, ctx.web);
    const screeningId = await openShowtime(page, ctx.web);
    await page.getByText('Live: the map follows').waitFor();
    await page.getByRole('button', { name: /^Row E seat 4,/ }).click();
    await page.getByRole('button', { name: /^Row E seat 5,/ }).click();
    await page.getByText('2 seats selected: E4, E5').waitFor();

    // six others ask for seats of their own, away from row E, in the same second
    const map = await seatMapOf(ctx.web.t.app, screeningId);
    const elsewhere = map.seats.filter((s) => s.row !== 'E' && s.type === 'regular' && s.status === 'available').slice(0, 6);
    await rush(
      ctx.web,
      screeningId,
      elsewhere.map((s) => s.id),
    );

    await page.getByRole('button', { name: 'Hold these seats' }).click();
    const panel = page.getByRole('region', { name: 'You’re in the queue' });
    await panel.waitFor();
    const refusal = seen.refusals[0];
    assert.equal(refusal?.code, 'waiting_room', `the hold was answered ${seen.holds.join(', ')}`);
    assert.ok(refusal.position >= 2, `behind the rush, place ${refusal.position}`);

    // the place, the people before, the wait, the seats kept: said where a screen reader hears it
    const status = (await panel.getByRole('status').textContent()) ?? '';
    assert.match(status, new RegExp(`^You are number ${refusal.position} in line\\.`));
    const ahead =
      refusal.ahead === 0 ? 'You’re next.' : refusal.ahead === 1 ? '1 customer is ahead of you.' : `${refusal.ahead} customers are ahead of you.`;
    assert.ok(status.includes(ahead), status);
    // the wait shows once the line has moved (or for the one next in line)
    assert.match(
      status,
      /(Your turn should come (within a few seconds|in about \d+ (seconds|minutes))|How long you will wait shows here once the line moves)\./,
    );
    await panel.getByText(/Your seats stay selected while you wait, but they are not held yet/).waitFor();
    await page.getByText('2 seats selected: E4, E5').waitFor();
    assert.equal(await page.locator('button.seat[aria-pressed="true"]').count(), 2);
    assert.equal(await page.getByRole('button', { name: 'Hold these seats' }).count(), 0);

    // the pressed button is gone: focus is on the panel, and the way out is the next stop
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'queue-title');
    assert.deepEqual(await axeProblems(page), []);
    await page.keyboard.press('Tab');
    assert.equal(await focusedText(page), 'Leave the queue');

    // once the line moves, a rough wait from how fast it moves
    await panel.getByText(/^Your turn should come (within a few seconds|in about \d+ seconds)\.$/).waitFor();

    // its turn: the same hold goes again by itself, and the page goes on as without a queue
    await page.getByRole('heading', { name: 'Your seats are held' }).waitFor({ timeout: 30_000 });
    await page.locator('.panel.hold').getByText('E4, E5').waitFor();
    assert.match((await page.getByRole('timer').textContent()) ?? '', /Held for (9|10):\d\d more/);
    assert.equal(await panel.count(), 0);
    assert.equal(seen.holds[0], 429);
    assert.equal(seen.holds.at(-1), 201, `hold answers: ${seen.holds.join(', ')}`);
    assert.ok(seen.polls.length > 0, 'the page asked the waiting room where it stood');
    assert.ok(
      seen.polls.every((p) => p.count === 2),
      'each poll asked for the two seats',
    );
    assert.ok(['admitted', 'open'].includes(seen.polls.at(-1)?.state ?? ''), JSON.stringify(seen.polls));
    assert.deepEqual(await activeHolds(ctx.web, screeningId), [{ seat_ids: [map.id('E4'), map.id('E5')] }]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('in Bahasa Indonesia, left by keyboard: the asking stops and nothing is held', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    const seen = await watchRoom(page);
    const admin = await loginAs(ctx.web.t.app, 'admin@cinema.com');
    const show = await plainScreening(ctx.web.t.app, admin, 3, 8, 5);
    await signedIn(page, ctx.web);
    await page.evaluate(() => localStorage.setItem('cinema.locale', 'id'));
    await page.goto(`${ctx.web.base}/showtimes/${show.screeningId}`);
    await page.locator('button.seat[aria-label^="Baris C kursi 4,"]').click();
    await page.locator('button.seat[aria-label^="Baris C kursi 5,"]').click();
    await page.getByText('2 kursi dipilih: C4, C5').waitFor();

    // eight before: the customer's turn is several seconds off
    await rush(
      ctx.web,
      show.screeningId,
      ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8'].map((l) => show.seatId(l)),
    );
    await page.getByRole('button', { name: 'Tahan kursi ini' }).click();
    const panel = page.getByRole('region', { name: 'Anda dalam antrean' });
    await panel.waitFor();
    const refusal = seen.refusals[0];
    assert.equal(refusal?.code, 'waiting_room', `the hold was answered ${seen.holds.join(', ')}`);
    const status = (await panel.getByRole('status').textContent()) ?? '';
    assert.match(status, new RegExp(`^Anda nomor ${refusal.position} dalam antrean\\.`));
    assert.match(status, /(\d+ orang di depan Anda\.|Giliran Anda berikutnya\.)/);
    assert.match(
      status,
      /(Giliran Anda akan tiba dalam (beberapa detik|sekitar \d+ (detik|menit))|Perkiraan lama menunggu tampil di sini begitu antrean bergerak)\./,
    );
    await panel.getByText(/Kursi pilihan Anda tetap dipilih selama menunggu/).waitFor();

    // Tab from the focused heading to the way out, Enter: back to the seats, focus on the hold button
    await page.keyboard.press('Tab');
    assert.equal(await focusedText(page), 'Keluar dari antrean');
    await page.keyboard.press('Enter');
    await page.getByText('Anda keluar dari antrean. Tidak ada kursi yang ditahan.').waitFor();
    assert.equal(await panel.count(), 0);
    await page.waitForFunction(() => document.activeElement?.textContent === 'Tahan kursi ini');
    await page.getByText('2 kursi dipilih: C4, C5').waitFor();

    // no more asking (the page asks at least every 5 s while queued), and the turn, when it comes, holds
    // nothing; a request already on its way when the customer left may still arrive
    await page.waitForTimeout(300);
    const asked = seen.polls.length;
    await page.waitForTimeout(5_500);
    assert.equal(seen.polls.length, asked, 'the page kept asking after the customer left the queue');
    assert.deepEqual(seen.holds, [429]);
    assert.deepEqual(await activeHolds(ctx.web, show.screeningId), []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('sold out while waiting: said plainly, the hold buttons back, nothing held', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    const seen = await watchRoom(page);
    const admin = await loginAs(ctx.web.t.app, 'admin@cinema.com');
    // a hall of two seats: the first of the rush holds one, so two together cannot be had any more
    const show = await plainScreening(ctx.web.t.app, admin, 1, 2, 5);
    await signedIn(page, ctx.web);
    await page.goto(`${ctx.web.base}/showtimes/${show.screeningId}`);
    await page.locator('.seat').first().waitFor();

    const seats = [1, 2, 1, 2, 1, 2, 1, 2].map((n) => show.seatId(`A${n}`));
    await rush(ctx.web, show.screeningId, seats);
    await page.getByRole('button', { name: 'Best 2 seats' }).click();
    const panel = page.getByRole('region', { name: 'You’re in the queue' });
    await panel.waitFor();
    await panel.getByText('we’ll pick the best 2 seats for you as soon as it’s your turn').waitFor();

    await page.getByRole('alert').filter({ hasText: 'Sold out: no 2 seats side by side are left for this showtime.' }).waitFor({ timeout: 10_000 });
    assert.equal(await panel.count(), 0);
    assert.ok(await page.getByRole('button', { name: 'Best 2 seats' }).isEnabled());
    assert.deepEqual(
      seen.polls.map((p) => [p.count, p.state]),
      [[2, 'sold_out']],
    );
    assert.deepEqual(seen.holds, [429]);
    assert.deepEqual(await activeHolds(ctx.web, show.screeningId), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
