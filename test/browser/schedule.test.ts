// The schedule in the browser: an admin adds a screening on a theater's day, is refused (on the
// block it collides with) when a second one would overlap, is asked to reload when someone else
// changed a screening first, then moves it; a customer in another browser finds the new show on the
// theater's page and buys a seat, and the admin's grid counts it. axe-core; Bahasa Indonesia.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { call, loginAs } from '../helpers/http.ts';
import { plainHall } from '../helpers/screenings.ts';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

const jakartaDay = (offsetDays: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + offsetDays * 86_400_000));

describe('the schedule in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('add, an overlap refused on its block, a stale edit asked to reload, a move; a customer buys the new show', async () => {
    const { t } = ctx.web;
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const hall = await plainHall(t.app, admin, 2, 4);
    const { rows: th } = await t.rt.db.query<{ name: string }>('SELECT name FROM theaters WHERE id = $1', [hall.theaterId]);
    const day = jakartaDay(1);

    const errors: string[] = [];
    const office = await ctx.browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
    const page = await newPage(office, errors);
    await page.goto(`${ctx.web.base}/admin/schedule`);
    await logIn(page, 'admin@cinema.com', 'password');
    await page.getByRole('heading', { name: 'Schedule', level: 1 }).waitFor();
    await page.getByLabel('City').selectOption({ label: 'Jakarta' });
    await page.getByRole('option', { name: th[0].name }).waitFor({ state: 'attached' });
    await page.getByLabel('Theater').selectOption({ label: th[0].name });
    await page.getByLabel('Day').fill(day);
    const grid = page.getByTestId('schedule');
    await grid.getByRole('group', { name: /^Hall/ }).waitFor();

    // add a screening at 19:00
    await page.getByLabel('Movie').selectOption({ label: 'Dune: Part Two' });
    await page.getByLabel('Starts at').last().fill('19:00');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Added: Dune: Part Two at 19:00.').waitFor();
    const block = grid.getByRole('button', { name: /^19:00 Dune: Part Two, until/ });
    await block.waitFor();
    const id = Number(await block.getAttribute('data-screening'));
    const { rows: made } = await t.rt.db.query<{ local: string }>(
      `SELECT to_char(show_time AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD HH24:MI') AS local FROM screenings WHERE id = $1`,
      [id],
    );
    assert.equal(made[0].local, `${day} 19:00`);

    // a second show at 19:30 in the same hall: refused, and the block it collides with says so
    await page.getByLabel('Starts at').last().fill('19:30');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /The hall is busy then: Dune: Part Two runs 19:00–\d\d:\d\d, and 15 minutes of cleaning/ })
      .waitFor();
    assert.match((await block.getAttribute('class')) ?? '', /\bclash\b/);
    const { rows: count } = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM screenings WHERE hall_id = $1', [hall.hallId]);
    assert.equal(count[0].n, 1, 'nothing was added');
    assert.deepEqual(await axeProblems(page), []);

    // someone else changes it first: the move is refused with "reload", and changes nothing
    await block.click();
    const other = await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${id}`, token: admin, payload: { price: 55000 } });
    assert.equal(other.status, 200);
    await page.getByLabel('Starts at').first().fill('14:00');
    await page.getByRole('button', { name: 'Move' }).click();
    await page.getByRole('alert').filter({ hasText: 'Someone changed this screening meanwhile' }).waitFor();
    const { rows: kept } = await t.rt.db.query<{ local: string }>(
      `SELECT to_char(show_time AT TIME ZONE 'Asia/Jakarta', 'HH24:MI') AS local FROM screenings WHERE id = $1`,
      [id],
    );
    assert.equal(kept[0].local, '19:00', 'the refused move changed nothing');
    await page.getByRole('button', { name: 'Reload' }).click();
    await grid.getByRole('button', { name: /^19:00 Dune: Part Two, until/ }).click();
    const { rows: v } = await t.rt.db.query<{ version: number }>('SELECT version FROM screenings WHERE id = $1', [id]);
    await page.locator(`form[data-version="${v[0].version}"]`).waitFor();
    await page.getByLabel('Starts at').first().fill('14:00');
    await page.getByRole('button', { name: 'Move' }).click();
    await page.getByText('Moved: Dune: Part Two now starts at 14:00.').waitFor();
    await grid.getByRole('button', { name: /^14:00 Dune: Part Two, until/ }).waitFor();

    // a customer, in another browser, finds it on the theater's page and buys a seat
    const shop = await ctx.browser.newContext({ locale: 'en-GB' });
    const customer = await newPage(shop, errors);
    await customer.goto(`${ctx.web.base}/login?next=/theaters/${hall.theaterId}`);
    await logIn(customer);
    await customer.locator('.dates button').nth(1).click();
    await customer.locator(`a.showtime[href="/showtimes/${id}"]`).click();
    await customer.getByText('Live: the map follows').waitFor();
    await customer.locator('button.seat[aria-label^="Row A seat 2,"]').click();
    await customer.getByRole('button', { name: 'Hold these seats' }).click();
    await customer.getByRole('button', { name: 'Continue to payment' }).click();
    await customer.getByLabel(/^Card/).check();
    await customer.getByRole('button', { name: /^Pay / }).click();
    await customer.getByRole('button', { name: 'Approve' }).click();
    await customer.getByRole('link', { name: 'Return to the shop' }).click();
    await customer.locator('.status-paid').waitFor({ timeout: 10_000 });
    await shop.close();

    // the office sees the seat sold
    await page.getByLabel('Day').fill(jakartaDay(0));
    await page.getByLabel('Day').fill(day);
    // one seat, not "1 seats"
    await grid.getByRole('button', { name: /^14:00 Dune: Part Two, until .*, 1 seat sold, on sale$/ }).waitFor();
    assert.deepEqual(await axeProblems(page), []);
    assert.equal(await page.title(), 'Schedule · Cinema');

    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Jadwal', level: 1 }).waitFor();
    await grid.getByRole('button', { name: /^14:00 Dune: Part Two, sampai .*, 1 kursi terjual, dijual$/ }).waitFor();
    assert.equal(await page.title(), 'Jadwal · Bioskop');

    // on a phone the page keeps to the screen's width (a long movie title in the add form's select
    // made it 405 px wide at 360); the day's timeline scrolls inside its own box
    await page.setViewportSize({ width: 360, height: 740 });
    await grid.getByRole('group', { name: /^Hall/ }).first().waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);
    assert.deepEqual(errors, []);
    await office.close();
  });
});
