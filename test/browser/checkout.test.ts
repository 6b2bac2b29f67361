// Paying, the ways it goes: a declined card leaves the hold and another method pays; a virtual
// account is shown and followed until the bank's transfer lands; a refund shows its quote first.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { logIn, newPage, openShowtime, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('checkout in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  /** Signed in, seats held, on the payment page. */
  async function toPayment(page: Page, labels: string[]) {
    await page.goto(`${ctx.web.base}/login`);
    await logIn(page);
    await page.waitForURL(`${ctx.web.base}/`);
    await openShowtime(page, ctx.web, 'Oppenheimer');
    for (const l of labels) await page.locator(`button.seat[aria-label^="Row ${l[0]} seat ${l.slice(1)},"]`).click();
    await page.getByRole('button', { name: 'Hold these seats' }).click();
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.getByRole('heading', { name: 'Payment' }).waitFor();
  }

  /** The one payment waiting at the gateway: the customer pays it (transfer, scan). */
  function payAtTheBank() {
    const sim = ctx.web.t.rt.simulator;
    assert.ok(sim);
    const pending = sim.ledger().filter((e) => e.status === 'pending');
    assert.equal(pending.length, 1, JSON.stringify(pending));
    sim.approve(pending[0].payment_id);
  }

  test('a declined card: said in words, the hold stays; QRIS then pays', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    await toPayment(page, ['E4', 'E5']);
    ctx.web.t.rt.simulator?.setFaults({ payments: 'decline' });
    try {
      await page.getByLabel(/^Card/).check();
      await page.getByRole('button', { name: /^Pay / }).click();
      await page.getByText('The payment was declined. Choose another method; your seats stay held.').waitFor();
    } finally {
      ctx.web.t.rt.simulator?.setFaults({ payments: 'ok' });
    }
    assert.match((await page.getByRole('timer').textContent()) ?? '', /Held for \d+:\d\d more/);
    await page.getByLabel(/^QRIS/).check();
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByRole('img', { name: 'QRIS' }).waitFor();
    payAtTheBank();
    await ctx.web.t.rt.simulator?.flushWebhooks();
    await page.getByRole('heading', { name: 'Your ticket' }).waitFor({ timeout: 10_000 });
    await page.locator('.status-paid').waitFor();
    assert.equal(await page.getByTestId('seats').textContent(), 'E4, E5');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a hold outlives a change of language and a reload: its payment and release stay within reach', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/login`);
    await logIn(page);
    await page.waitForURL(`${ctx.web.base}/`);
    await openShowtime(page, ctx.web, 'Oppenheimer');
    await page.locator('button.seat[aria-label^="Row H seat 4,"]').click();
    await page.getByRole('button', { name: 'Hold these seats' }).click();
    await page.getByRole('button', { name: 'Continue to payment' }).waitFor();
    // the page was rebuilt on a change of language: the hold's panel went, its seats stayed held
    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('button', { name: 'Lanjut ke pembayaran' }).waitFor();
    // a reload finds it again (remembered by id, asked of the server)
    await page.reload();
    await page.getByRole('button', { name: 'Lanjut ke pembayaran' }).waitFor({ timeout: 10_000 });
    assert.match((await page.getByRole('timer').textContent()) ?? '', /\d+[:.]\d\d/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('declined on the gateway page: the ticket page says so and leads back to payment, where the hold still stands', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    await toPayment(page, ['H6']);
    await page.getByLabel(/^E-wallet/).check();
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.getByRole('link', { name: 'Return to the shop' }).click();
    await page.getByRole('heading', { name: 'Your ticket' }).waitFor({ timeout: 10_000 });
    await page.getByText('The payment did not go through.', { exact: false }).waitFor({ timeout: 10_000 });
    await page.getByRole('link', { name: 'Back to payment' }).click();
    await page.getByRole('heading', { name: 'Payment' }).waitFor();
    assert.match((await page.getByRole('timer').textContent()) ?? '', /Held for \d+:\d\d more/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the gateway not answering: said so, the hold kept, paying again works', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    await toPayment(page, ['G4']);
    ctx.web.t.rt.simulator?.setFaults({ payments: 'error' });
    try {
      await page.getByLabel(/^E-wallet/).check();
      await page.getByRole('button', { name: /^Pay / }).click();
      await page.getByText('The payment provider is not answering. Your seats stay held: try again in a moment.').waitFor();
    } finally {
      ctx.web.t.rt.simulator?.setFaults({ payments: 'ok' });
    }
    assert.match((await page.getByRole('timer').textContent()) ?? '', /Held for \d+:\d\d more/);
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('link', { name: 'Return to the shop' }).click();
    await page.locator('.status-paid').waitFor({ timeout: 10_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a virtual account: its number shown, the ticket followed until the transfer lands; then a refund with its quote first', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    await toPayment(page, ['F4']);
    // the theater is in Bali for this test (WITA, an hour ahead of Jakarta): the deadline is told in its
    // time, as the ticket page tells it, not in Jakarta's
    const db = ctx.web.t.rt.db;
    const { rows: th } = await db.query<{ id: number; time_zone: string }>(
      `SELECT t.id, t.time_zone FROM holds h JOIN screenings s ON s.id = h.screening_id JOIN theaters t ON t.id = s.theater_id
        WHERE h.status = 'active' ORDER BY h.created_at DESC LIMIT 1`,
    );
    await db.query(`UPDATE theaters SET time_zone = 'Asia/Makassar' WHERE id = $1`, [th[0].id]);
    try {
      await page.getByLabel(/^Bank transfer/).check();
      await page.getByRole('button', { name: /^Pay / }).click();
      await page.getByTestId('va-number').waitFor();
      const pending = ctx.web.t.rt.simulator?.ledger().filter((e) => e.status === 'pending') ?? [];
      const { rows: pay } = await db.query<{ expires_at: string }>(
        `SELECT next_action->>'expires_at' AS expires_at FROM payments WHERE gateway_payment_id = $1`,
        [pending[0]?.payment_id],
      );
      const at = (zone: string) =>
        new Intl.DateTimeFormat('en-GB', {
          timeZone: zone,
          hour: '2-digit',
          minute: '2-digit',
          weekday: 'short',
          day: 'numeric',
          month: 'short',
        }).format(new Date(pay[0].expires_at));
      await page.getByText(`Pay before ${at('Asia/Makassar')}`).waitFor();
      assert.equal(await page.getByText(`Pay before ${at('Asia/Jakarta')}`).count(), 0);
    } finally {
      await db.query('UPDATE theaters SET time_zone = $2 WHERE id = $1', [th[0].id, th[0].time_zone]);
    }
    const va = (await page.getByTestId('va-number').textContent()) ?? '';
    assert.match(va, /^\d{16}$/);
    await page.getByText('Waiting for your payment').waitFor();
    payAtTheBank();
    await ctx.web.t.rt.simulator?.flushWebhooks();
    await page.getByRole('heading', { name: 'Your ticket' }).waitFor({ timeout: 10_000 });
    await page.locator('.status-paid').waitFor();

    await page.getByRole('button', { name: 'Request a refund' }).click();
    const quote = (await page.getByTestId('refund-quote').textContent()) ?? '';
    assert.match(quote, /You would get .+ back \(\d+ %, .+\)\./);
    await page.getByLabel('Reason').fill('Cannot make it');
    await page.getByRole('button', { name: /^Confirm refund of / }).click();
    await page.getByText(/^Refund (done|in progress|waiting for review): /).waitFor();
    await page.getByRole('link', { name: 'My refunds' }).click();
    await page.locator('.cards li').first().waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a virtual account stays within reach: after a reload, on the ticket page from My tickets, and back on the payment page', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await toPayment(page, ['C7']);
    const checkoutUrl = page.url();
    await page.getByLabel(/^Bank transfer/).check();
    await page.getByRole('button', { name: /^Pay / }).click();
    const va = (await page.getByTestId('va-number').textContent()) ?? '';
    assert.match(va, /^\d{16}$/);

    // a reload of the payment page: the same account number, still followed
    await page.reload();
    assert.equal(await page.getByTestId('va-number').textContent({ timeout: 10_000 }), va);
    await page.getByText('Waiting for your payment').waitFor();

    // from My tickets to the ticket awaiting payment: how to pay it is there too
    await page.locator('header').getByRole('link', { name: 'My tickets' }).click();
    await page.locator('.cards li').filter({ hasText: 'Awaiting payment' }).first().getByRole('link').click();
    await page.getByRole('heading', { name: 'Your ticket' }).waitFor();
    assert.equal(await page.getByTestId('va-number').textContent({ timeout: 10_000 }), va);
    await page.getByRole('heading', { name: 'How to pay' }).waitFor();

    // back on the payment page (a link, the seat picker's "Continue to payment"): the instructions, not the methods
    await page.goto(checkoutUrl);
    assert.equal(await page.getByTestId('va-number').textContent({ timeout: 10_000 }), va);
    assert.equal(await page.getByLabel(/^Bank transfer/).count(), 0);

    payAtTheBank();
    await ctx.web.t.rt.simulator?.flushWebhooks();
    await page.getByRole('heading', { name: 'Your ticket' }).waitFor({ timeout: 10_000 });
    await page.locator('.status-paid').waitFor();
    // paid: no instructions left
    assert.equal(await page.getByTestId('va-number').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('in Bahasa Indonesia a refund left without a reason reads "Diminta oleh pelanggan", not the English default', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await toPayment(page, ['D7']);
    await page.getByLabel(/^QRIS/).check();
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByRole('img', { name: 'QRIS' }).waitFor();
    payAtTheBank();
    await ctx.web.t.rt.simulator?.flushWebhooks();
    await page.locator('.status-paid').waitFor({ timeout: 10_000 });
    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('button', { name: 'Ajukan pengembalian dana' }).click();
    await page.getByRole('button', { name: /^Konfirmasi pengembalian / }).click();
    await page.getByText(/^Pengembalian (selesai|sedang diproses|menunggu peninjauan|diajukan): /).waitFor();
    await page.locator('header').getByRole('link', { name: 'Pengembalian dana', exact: true }).click();
    await page.locator('.cards li').first().waitFor();
    await page.locator('.cards li').first().getByText('Diminta oleh pelanggan').waitFor();
    assert.equal(await page.getByText('Requested by the customer').count(), 0);
    assert.equal(await page.title(), 'Pengembalian dana saya · Bioskop');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a virtual account past its deadline (on the server's clock, not the phone's) is no longer shown, on the ticket page too", async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    // this phone's clock runs 16 minutes fast: past the account's deadline before it is even shown
    await page.clock.install({ time: Date.now() + 16 * 60_000 });
    await toPayment(page, ['H7']);
    await page.getByLabel(/^Bank transfer/).check();
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.getByTestId('va-number').waitFor();
    const expired = 'The time to pay has run out: this account number or QR code takes no more payments.';
    await page.getByText('Waiting for your payment').waitFor();
    await page.waitForTimeout(2500); // a look at the ticket or two (every 2 s) and a few ticks of the countdown
    assert.equal(await page.getByText(expired).count(), 0, "counted on the server's clock, the deadline is still ahead");
    assert.equal(await page.getByTestId('va-number').count(), 1);
    // now the server's clock passes the deadline: every answer the page hears says it is 16 minutes later
    await page.route('**/api/v1/**', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, headers: { ...res.headers(), date: new Date(Date.now() + 16 * 60_000).toUTCString() } });
    });
    await page.getByText(expired).waitFor();
    assert.equal(await page.getByTestId('va-number').count(), 0);
    assert.equal(await page.getByText('Waiting for your payment').count(), 0, 'nothing is awaited any more');
    // the ticket page, where "My tickets" leads, says the same (the payment is still pending here)
    const sim = ctx.web.t.rt.simulator;
    assert.ok(sim);
    const pending = sim.ledger().filter((e) => e.status === 'pending');
    assert.equal(pending.length, 1);
    const { rows } = await ctx.web.t.rt.db.query<{ ticket_id: string; status: string }>(
      'SELECT ticket_id, status FROM payments WHERE gateway_payment_id = $1',
      [pending[0].payment_id],
    );
    assert.equal(rows[0].status, 'pending');
    await page.goto(`${ctx.web.base}/tickets/${rows[0].ticket_id}`);
    await page.getByText(expired).waitFor();
    assert.equal(await page.getByTestId('va-number').count(), 0);
    // paid after all (the bank was quicker than the page's clock): the ticket is the customer's
    sim.approve(pending[0].payment_id);
    await sim.flushWebhooks();
    await page.locator('.status-paid').waitFor({ timeout: 10_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
