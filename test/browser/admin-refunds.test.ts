// Refunds and cancellations in the browser: an admin works the review queue (one refund approved,
// one rejected with a reason the customer will read) and cancels a show, following its refunds to
// the end on a progress bar; the database agrees with every step; axe-core; Bahasa Indonesia.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, newCustomer } from '../helpers/checkout.ts';
import { call, loginAs } from '../helpers/http.ts';
import { paidTicket, refund } from '../helpers/refunds.ts';
import { plainHall, screeningIn } from '../helpers/screenings.ts';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('refunds and cancellations in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('approve one refund, reject another with a reason, cancel the show and follow it to the end', async () => {
    const { t } = ctx.web;
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const hall = await plainHall(t.app, admin, 3, 4);
    const show = (await screeningIn(t.app, admin, hall, 30)).id;
    const policy = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/theaters/${hall.theaterId}/refund-policy`,
      token: admin,
      payload: { review_threshold: 1 },
    });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
    const [dave, erin, frank] = await Promise.all(['dave', 'erin', 'frank'].map((n) => newCustomer(t, n)));
    const d = await paidTicket(t, dave.token, show, ['A1', 'A2']);
    const e = await paidTicket(t, erin.token, show, ['B1']);
    await paidTicket(t, frank.token, show, ['C1', 'C2', 'C3']);
    const refundOf = async (ticketId: string) => {
      const r = await refund(t, ticketId === d.ticketId ? dave.token : erin.token, ticketId, { reason: 'Cannot come' });
      assert.equal(r.body.data.status, 'pending_review', JSON.stringify(r.body));
      return r.body.data.id as string;
    };
    const dRefund = await refundOf(d.ticketId);
    const eRefund = await refundOf(e.ticketId);
    const statusOf = async (id: string) => (await t.rt.db.query<{ status: string }>('SELECT status FROM refunds WHERE id = $1', [id])).rows[0].status;

    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/admin/refunds`);
    await logIn(page, 'admin@cinema.com', 'password');
    await page.getByRole('heading', { name: 'Waiting for review' }).waitFor();
    const items = page.getByTestId('review-item');
    const daveItem = items.filter({ hasText: 'seats A1, A2' });
    const erinItem = items.filter({ hasText: 'seats B1' });
    await daveItem.waitFor();
    await erinItem.waitFor();
    assert.deepEqual(await axeProblems(page), []);

    // approve dave's: the money goes back
    await daveItem.getByRole('button', { name: 'Approve' }).click();
    await page.getByText(/^Approved: .* for seats A1, A2/).waitFor();
    await eventually(async () => ['processing', 'succeeded'].includes(await statusOf(dRefund)), 10_000);
    await daveItem.waitFor({ state: 'detached' });

    // reject erin's, with a reason, by keyboard
    await erinItem.getByRole('button', { name: 'Reject' }).click();
    await page.getByLabel(/Why it is rejected/).focus();
    await page.keyboard.type('Past the refund window for this show');
    await page.keyboard.press('Enter');
    await page.getByText(/^Rejected: the ticket for seats B1 stays valid/).waitFor();
    assert.equal(await statusOf(eRefund), 'rejected');
    const { rows: review } = await t.rt.db.query<{ note: string }>('SELECT review_note AS note FROM refunds WHERE id = $1', [eRefund]);
    assert.equal(review[0].note, 'Past the refund window for this show');
    await page.getByText('No refund is waiting for review.').waitFor();

    // cancel the show: found by its number, confirmed with a reason, followed to the end
    await page.getByLabel('Showtime number').fill(String(show));
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByTestId('cancel-show').waitFor();
    await page.getByLabel(/^Reason/).fill('Projector failure');
    await page.getByRole('button', { name: 'Cancel the show and refund everyone' }).click();
    const progress = page.getByTestId('cancel-progress');
    await progress.filter({ hasText: /^.*Done: \d+ tickets refunded/ }).waitFor({ timeout: 20_000 });
    const api = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${show}/cancellation`, token: admin });
    assert.equal(api.body.data.status, 'completed');
    const bar = page.locator('#cancel-bar');
    assert.equal(await bar.getAttribute('value'), String(api.body.data.tickets_total));
    assert.equal(await bar.getAttribute('max'), String(api.body.data.tickets_total));
    await progress.getByText(`Refunds: ${api.body.data.tickets_total} of ${api.body.data.tickets_total} tickets`).waitFor();
    const { rows } = await t.rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ticket_seats WHERE screening_id = $1 AND status = 'sold'`, [
      show,
    ]);
    assert.equal(rows[0].n, 0, 'no seat of the cancelled show is still sold');
    assert.deepEqual(await axeProblems(page), []);

    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Pengembalian dana dan pembatalan', level: 1 }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
