// A release-night rush in a real Chromium: other customers' hold attempts engage a screening's
// waiting room, and the customer in the browser who presses a hold button meets the queue instead of
// a hold: their place in line, a rough wait, their seats still chosen, a way out. The page asks the
// server again until it is their turn, then sends the same hold by itself and goes on as usual; or
// says the show sold out meanwhile. A screen reader hears the milestones, not every answer; the focus
// follows what replaces the panel. Also in Bahasa Indonesia, and left by keyboard.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Locator, Page, Response } from 'playwright-core';
import { newCustomer } from '../helpers/checkout.ts';
import { call, loginAs } from '../helpers/http.ts';
import { plainScreening, seatMapOf } from '../helpers/screenings.ts';
import { axeProblems, logIn, newPage, openShowtime, skipBrowser, type WebApp, webAppAndBrowser } from './helpers.ts';

// More than one hold attempt a second engages a screening's room, and customers are let through one
// a second (however rarely anyone asks): the browser's customer, queued behind a burst of others,
// waits some seconds, long enough to read the panel and short enough for a test.
const ROOM = { WAITING_ROOM_ENGAGE_PER_S: '1', WAITING_ROOM_ADMIT_PER_S: '1' };
// The line a burst leaves drains in about this many seconds: the browser's click must come sooner to
// meet the queue, which takes a slow machine a few seconds.
const BURST = 16;

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
async function rush(web: WebApp, screeningId: number, seatIds: number[]): Promise<{ at: number; queued: number }> {
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
  return { at: Date.now(), queued: queued.length };
}

const isHold = (r: Response) => r.request().method() === 'POST' && /\/screenings\/\d+\/holds(\/best-available)?$/.test(new URL(r.url()).pathname);

/**
 * Presses a hold button after a rush: the answer is the queue, unless the line had drained before the
 * click came (said with how late it came).
 */
async function holdIntoQueue(page: Page, button: Locator, rushed: { at: number; queued: number }): Promise<Refusal> {
  const clickedAt = Date.now();
  const answered = page.waitForResponse(isHold);
  await button.click();
  const r = await answered;
  const body = (await r.json()) as Refusal;
  assert.equal(
    body.code,
    'waiting_room',
    `the hold was answered ${r.status()}, clicked ${clickedAt - rushed.at} ms after a burst that queued ${rushed.queued} (one let through a second)`,
  );
  return body;
}

/** What the page asked of the hold routes and of the waiting room, and what it was told. */
async function watchRoom(page: Page) {
  const seen = { holds: [] as number[], polls: [] as { count: number; state: string }[] };
  page.on('response', (r) => {
    if (isHold(r)) seen.holds.push(r.status());
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
  // what the panel's live region said, each change in order (what a screen reader announces unasked)
  await page.addInitScript(() => {
    const said: string[] = [];
    Object.assign(window, { said });
    new MutationObserver(() => {
      const text = document.querySelector('.queue [role="status"]')?.textContent ?? '';
      if (text && text !== said.at(-1)) said.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return seen;
}

const saidBy = (page: Page) => page.evaluate(() => (window as unknown as { said: string[] }).said);

// the live region's milestones: fewer ahead than each of these
const MILESTONES = [100, 50, 20, 10, 5, 1, 0];
const stage = (ahead: number) => MILESTONES.filter((m) => ahead <= m).length;
const aheadText = (ahead: number) =>
  ahead === 0 ? 'You’re next.' : ahead === 1 ? '1 customer is ahead of you.' : `${ahead} customers are ahead of you.`;
function aheadIn(text: string): number {
  if (text.endsWith('You’re next.')) return 0;
  if (text.endsWith('1 customer is ahead of you.')) return 1;
  const m = /(\d+) customers are ahead of you\.$/.exec(text);
  assert.ok(m, `not a place in line: ${text}`);
  return Number(m[1]);
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

    // others ask for seats of their own, away from row E, in the same second
    const map = await seatMapOf(ctx.web.t.app, screeningId);
    const elsewhere = map.seats.filter((s) => s.row !== 'E' && s.type === 'regular' && s.status === 'available').slice(0, BURST);
    const rushed = await rush(
      ctx.web,
      screeningId,
      elsewhere.map((s) => s.id),
    );

    const refusal = await holdIntoQueue(page, page.getByRole('button', { name: 'Hold these seats' }), rushed);
    const panel = page.getByRole('region', { name: 'You’re in the queue' });
    await panel.waitFor();
    assert.ok(refusal.position >= 2, `behind the rush, place ${refusal.position}`);

    // the place, the people before (fewer by now, perhaps), the wait, the seats kept, on the panel
    const shown = (await panel.locator('.queue-now').textContent()) ?? '';
    assert.match(shown, new RegExp(`^You are number ${refusal.position} in line\\.`));
    assert.ok(aheadIn((await panel.locator('.queue-place span').textContent()) ?? '') <= refusal.ahead, shown);
    // the wait shows once the line has moved (or for the one next in line)
    assert.match(
      shown,
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

    // its turn: the same hold goes again by itself, and the page goes on as without a queue, the focus
    // on the hold in place of the panel that had it
    await page.getByRole('heading', { name: 'Your seats are held' }).waitFor({ timeout: (BURST + 30) * 1000 });
    await page.waitForFunction(() => document.activeElement?.id === 'hold-title');
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

    // what a screen reader heard unasked: joining, then only the line passing a milestone (each said
    // fewer ahead than a milestone the one before had not passed), then the turn; never each answer
    const said = await saidBy(page);
    assert.equal(said[0], `You joined the line. ${aheadText(refusal.ahead)}`, said.join(' | '));
    assert.equal(said.at(-1), 'It’s your turn: holding your seats…', said.join(' | '));
    const aheads = [refusal.ahead, ...said.slice(1, -1).map(aheadIn)];
    for (let i = 1; i < aheads.length; i++) assert.ok(stage(aheads[i]) > stage(aheads[i - 1]), said.join(' | '));
    // polls come every 2 s or sooner and the line moves one a second: it was heard passing 5
    if (refusal.ahead > 5)
      assert.ok(
        aheads.slice(1).some((a) => a <= 5 && a > 0),
        said.join(' | '),
      );
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

    // a burst before: the customer's turn is several seconds off
    const rushed = await rush(
      ctx.web,
      show.screeningId,
      Array.from({ length: BURST }, (_, i) => show.seatId(`${'AB'[Math.floor(i / 8)]}${(i % 8) + 1}`)),
    );
    const refusal = await holdIntoQueue(page, page.getByRole('button', { name: 'Tahan kursi ini' }), rushed);
    const panel = page.getByRole('region', { name: 'Anda dalam antrean' });
    await panel.waitFor();
    const shown = (await panel.locator('.queue-now').textContent()) ?? '';
    assert.match(shown, new RegExp(`^Anda nomor ${refusal.position} dalam antrean\\.`));
    assert.match(shown, /(\d+ orang di depan Anda\.|Giliran Anda berikutnya\.)/);
    assert.match(
      shown,
      /(Giliran Anda akan tiba dalam (beberapa detik|sekitar \d+ (detik|menit))|Perkiraan lama menunggu tampil di sini begitu antrean bergerak)\./,
    );
    await panel.getByText(/Kursi pilihan Anda tetap dipilih selama menunggu/).waitFor();
    await page.waitForFunction(() => (window as unknown as { said: string[] }).said.length > 0);
    assert.match((await saidBy(page))[0], /^Anda sudah masuk antrean\. (\d+ orang di depan Anda\.|Giliran Anda berikutnya\.)$/);

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

    const seats = Array.from({ length: BURST }, (_, i) => show.seatId(`A${(i % 2) + 1}`));
    const rushed = await rush(ctx.web, show.screeningId, seats);
    await holdIntoQueue(page, page.getByRole('button', { name: 'Best 2 seats' }), rushed);
    const panel = page.getByRole('region', { name: 'You’re in the queue' });
    await panel.waitFor();
    await panel.getByText('we’ll pick the best 2 seats for you as soon as it’s your turn').waitFor();

    // the panel that had the focus is gone: the focus is on the message saying why
    const soldOut = 'Sold out: no 2 seats side by side are left for this showtime.';
    await page.getByRole('alert').filter({ hasText: soldOut }).waitFor({ timeout: 10_000 });
    assert.equal(await panel.count(), 0);
    await page.waitForFunction((text) => document.activeElement?.textContent === text, soldOut);
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
