// Reports in the browser: an admin sees the sales just made (the page's totals are the API's, and
// they moved by exactly those sales), downloads the CSV and finds the same numbers, groups by payment
// method; the page is axe-clean, works by keyboard and speaks Bahasa Indonesia; staff are told it is
// for administrators.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { call, loginAs } from '../helpers/http.ts';
import { paidTicket } from '../helpers/refunds.ts';
import { plainHall, screeningIn } from '../helpers/screenings.ts';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());
const idr = (n: number) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'IDR', minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(n);

describe('reports in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('the sales just made, the CSV with the same numbers, by payment method; axe-core; keyboard; Bahasa Indonesia', async () => {
    const { t } = ctx.web;
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const customer = await loginAs(t.app, 'customer@cinema.com');
    const totals = async () =>
      (await call(t.app, { method: 'GET', url: `/api/v1/reports/sales?from=${today()}&to=${today()}`, token: admin })).body.meta.totals;
    const before = await totals();
    const hall = await plainHall(t.app, admin, 2, 5);
    const show = (await screeningIn(t.app, admin, hall, 5)).id;
    const a = await paidTicket(t, customer, show, ['A1', 'A2'], 'card');
    const b = await paidTicket(t, customer, show, ['B1'], 'ewallet');
    const now = await totals();
    assert.equal(now.tickets - before.tickets, 2);
    assert.equal(Math.round((now.gross - before.gross) * 100), Math.round((Number(a.amount) + Number(b.amount)) * 100));

    const errors: string[] = [];
    const context = await ctx.browser.newContext({ acceptDownloads: true, locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/admin/reports`);
    await logIn(page, 'admin@cinema.com', 'password');
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const total = page.getByTestId('sales-total');
    await total.waitFor();
    const cells = async () => (await total.locator('td').allTextContents()).map((c) => c.replace(/\u00a0/g, ' '));
    // today in Jakarta, where the sales were made (the default period ends today on the browser's
    // calendar, which is another day for part of every day)
    await page.getByLabel('To', { exact: true }).fill(today());
    await page.getByLabel('From').fill(today());
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForFunction((n) => document.querySelector('[data-testid="sales-total"] td')?.textContent === String(n), now.tickets);
    const [tickets, seats, gross, , , net] = await cells();
    assert.deepEqual([Number(tickets), Number(seats)], [now.tickets, now.seats]);
    assert.equal(gross, idr(now.gross).replace(/\u00a0/g, ' '));
    assert.equal(net, idr(now.net).replace(/\u00a0/g, ' '));
    assert.deepEqual(await axeProblems(page), []);

    // the CSV: a header row, and the same numbers as the JSON the table shows
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^sales-by-day-.*\.csv$/);
    const lines = readFileSync(await download.path(), 'utf8')
      .trimEnd()
      .split('\r\n');
    const header = lines[0].split(',');
    assert.deepEqual(header.slice(0, 3), ['key', 'label', 'tickets']);
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
    assert.equal(rows.length, 1, 'one day');
    assert.deepEqual(
      [Number(rows[0].tickets), Number(rows[0].seats), Number(rows[0].gross), Number(rows[0].net)],
      [now.tickets, now.seats, Number(now.gross), Number(now.net)],
    );

    // by payment method, asked for by keyboard: the two methods just paid with are rows
    await page.getByLabel('Sales by').selectOption('method');
    await page.getByRole('button', { name: 'Show' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('columnheader', { name: 'Payment method' }).waitFor();
    const methods = await page.locator('[data-testid="sales-table"] tbody th').allTextContents();
    assert.ok(methods.includes('card') && methods.includes('ewallet'), methods.join(','));
    assert.deepEqual(await axeProblems(page), []);

    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Laporan', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Unduh CSV' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('staff are told the reports are for administrators', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/admin/reports`);
    await logIn(page, 'staff@cinema.com', 'password');
    await page.getByText('This page is for administrators.').waitFor();
    assert.equal(await page.getByTestId('sales-table').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
