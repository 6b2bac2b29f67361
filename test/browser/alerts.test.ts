// Near-sold-out alerts in the browser: an admin has the alerts page open; sales made meanwhile (by
// the API, as customers elsewhere would) cross 80 %, then 95 % and 100 %, and each alert appears on
// the page without a reload, through the authenticated live feed. axe-core; Bahasa Indonesia.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newCustomer } from '../helpers/checkout.ts';
import { loginAs } from '../helpers/http.ts';
import { paidTicket } from '../helpers/refunds.ts';
import { plainHall, screeningIn } from '../helpers/screenings.ts';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('near-sold-out alerts in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('the alerts of sales made while the page is open arrive live', async () => {
    const { t } = ctx.web;
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const hall = await plainHall(t.app, admin, 1, 5);
    const show = (await screeningIn(t.app, admin, hall, 6)).id;
    const { rows } = await t.rt.db.query<{ name: string }>('SELECT name FROM theaters WHERE id = $1', [hall.theaterId]);
    const theater = rows[0].name;

    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/admin/alerts`);
    await logIn(page, 'admin@cinema.com', 'password');
    await page.getByTestId('feed-state').filter({ hasText: 'Live' }).waitFor();
    const ours = page.locator('.alert-list li').filter({ hasText: theater });
    assert.equal(await ours.count(), 0);

    const buyer = await newCustomer(t, 'rush');
    await paidTicket(t, buyer.token, show, ['A1', 'A2', 'A3', 'A4']);
    await ours.filter({ hasText: '80 % sold' }).waitFor({ timeout: 15_000 });
    assert.match(String(await ours.first().textContent()), /4 of 5 seats sold/);
    await paidTicket(t, buyer.token, show, ['A5']);
    await ours.filter({ hasText: 'sold out' }).waitFor({ timeout: 15_000 });
    assert.equal(await ours.count(), 3, '80 %, 95 % and sold out, once each');
    assert.deepEqual(await axeProblems(page), []);

    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Peringatan hampir habis terjual', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
