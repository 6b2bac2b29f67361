// The hall layout editor in the browser, against the real API and database: an admin chooses seats by
// keyboard and makes a couple; a lone couple seat is a problem shown on that seat, and Save sends
// nothing while it stands; removing a seat sold for a coming show is refused by the API, the refusal
// shown on that seat, and nothing changes; with that seat put back, the layout is saved (the other
// removal retired, the couple stored, the sale untouched). axe-core; Bahasa Indonesia.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loginAs } from '../helpers/http.ts';
import { paidTicket } from '../helpers/refunds.ts';
import { plainHall, screeningIn } from '../helpers/screenings.ts';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('the hall layout editor in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('validate before saving, a sold seat refused on that seat, then saved', async () => {
    const { t } = ctx.web;
    const db = t.rt.db;
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const customer = await loginAs(t.app, 'customer@cinema.com');
    const where = await plainHall(t.app, admin, 3, 6);
    const show = await screeningIn(t.app, admin, where, 5);
    await paidTicket(t, customer, show.id, ['B3']);
    const hallRow = async () =>
      (await db.query<{ version: number; capacity: number }>('SELECT version, capacity FROM halls WHERE id = $1', [where.hallId])).rows[0];
    const seatRow = async (row: string, n: number) =>
      (
        await db.query<{ is_active: boolean; seat_type: string; pair_seat_id: number | null }>(
          'SELECT is_active, seat_type, pair_seat_id FROM seats WHERE hall_id = $1 AND row_label = $2 AND number = $3',
          [where.hallId, row, n],
        )
      ).rows[0];
    const before = await hallRow();

    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/admin/halls/${where.hallId}/layout`);
    await logIn(page, 'admin@cinema.com', 'password');
    await page.getByRole('heading', { name: /^Layout of Hall /, level: 1 }).waitFor();
    const seat = (row: string, n: number) => page.locator(`button.seat[aria-label^="Row ${row} seat ${n},"]`);
    assert.equal(await page.locator('button.seat').count(), 18);
    await page.getByText('18 seats; 0 chosen.').waitFor();

    // by keyboard: the first seat, Space, the arrow to the next, Space; then a couple of the two
    await seat('A', 1).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    assert.equal(await seat('A', 2).getAttribute('aria-pressed'), 'true');
    await page.getByText('18 seats; 2 chosen.').waitFor();
    await page.getByLabel('Seat type').selectOption('couple');
    await page.getByRole('button', { name: 'Give the chosen seats this type' }).click();
    assert.match(String(await seat('A', 1).getAttribute('class')), /\bcouple\b/);
    assert.equal(await page.locator('button.seat.flagged').count(), 0);

    // a couple seat alone: a problem on that seat, and Save sends nothing
    await page.getByRole('button', { name: 'Choose none' }).click();
    await seat('A', 6).click();
    await page.getByRole('button', { name: 'Give the chosen seats this type' }).click();
    await page.getByText('A-6: a couple seat needs its partner beside it (choose both, then give them the type)').waitFor();
    assert.match(String(await seat('A', 6).getAttribute('class')), /\bflagged\b/);
    assert.match(String(await seat('A', 6).getAttribute('aria-label')), /needs its partner/);
    assert.deepEqual(await axeProblems(page), []);
    await page.getByRole('button', { name: 'Save the layout' }).click();
    await page.getByText('Fix the problems first (1); nothing was saved.').waitFor();
    assert.deepEqual(await hallRow(), before);
    await page.getByLabel('Seat type').selectOption('regular');
    await page.getByRole('button', { name: 'Give the chosen seats this type' }).click();
    assert.equal(await page.locator('button.seat.flagged').count(), 0);

    // removing B3 (sold for the show) and C6 (free): refused, on B3, and nothing changes
    await page.getByRole('button', { name: 'Choose none' }).click();
    await seat('B', 3).click();
    await seat('C', 6).click();
    await page.getByRole('button', { name: 'Remove the chosen seats' }).click();
    await page.getByText('16 seats; 2 chosen.').waitFor();
    await page.getByRole('button', { name: 'Save the layout' }).click();
    await page.getByText(/^Not saved: seats B-3 are sold or held/).waitFor();
    assert.match(String(await seat('B', 3).getAttribute('class')), /\bflagged\b/);
    assert.match(String(await seat('B', 3).getAttribute('aria-label')), new RegExp(`removed, sold for show ${show.id}: cannot be removed`));
    assert.doesNotMatch(String(await seat('C', 6).getAttribute('class')), /\bflagged\b/);
    assert.deepEqual(await hallRow(), before);
    assert.equal((await seatRow('C', 6)).is_active, true);
    assert.equal((await seatRow('A', 1)).seat_type, 'regular');

    // B3 put back: saved, C6 retired, the couple stored, B3 still sold
    await seat('B', 3).click();
    await page.getByRole('button', { name: 'Put the chosen seats back' }).click();
    // a seat added and removed again before saving was never there: not counted as removed
    const seatsInA = await page.locator('button.seat[aria-label^="Row A seat "]').count();
    await page.getByRole('combobox', { name: /^Row/ }).selectOption('A');
    await page.getByRole('button', { name: 'Add a seat to row A' }).click();
    await page.getByRole('button', { name: 'Choose none' }).click();
    await seat('A', seatsInA + 1).click();
    await page.getByRole('button', { name: 'Remove the chosen seats' }).click();
    await page.getByRole('button', { name: 'Save the layout' }).click();
    await page.getByText('Layout saved: 17 seats (1 removed).').waitFor();
    await page.getByText('17 seats; 0 chosen.').waitFor();
    const after = await hallRow();
    assert.deepEqual([after.version, after.capacity], [before.version + 1, 17]);
    assert.equal((await seatRow('C', 6)).is_active, false);
    const [a1, a2] = [await seatRow('A', 1), await seatRow('A', 2)];
    assert.deepEqual([a1.seat_type, a2.seat_type], ['couple', 'couple']);
    assert.ok(a1.pair_seat_id !== null && a2.pair_seat_id !== null);
    const { rows: sold } = await db.query(
      `SELECT 1 FROM ticket_seats ts JOIN seats s ON s.id = ts.seat_id
        WHERE ts.screening_id = $1 AND ts.status = 'sold' AND s.row_label = 'B' AND s.number = 3`,
      [show.id],
    );
    assert.equal(sold.length, 1);

    // Bahasa Indonesia, problems included
    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: /^Denah Hall /, level: 1 }).waitFor();
    await seat('B', 4).waitFor({ state: 'detached' });
    const kursi = (row: string, n: number) => page.locator(`button.seat[aria-label^="Baris ${row} kursi ${n},"]`);
    await kursi('C', 1).click();
    await page.getByLabel('Jenis kursi').selectOption('couple');
    await page.getByRole('button', { name: 'Beri kursi terpilih jenis ini' }).click();
    await page.getByText('C-1: kursi pasangan memerlukan pasangannya di sebelahnya (pilih keduanya, lalu beri jenisnya)').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
