// A newcomer buys a ticket in a real Chromium: home -> movie -> showtime -> log in -> two seats ->
// hold -> card payment on the gateway's page -> back to the shop -> the ticket with its QR -> PDF.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { logIn, newPage, openShowtime, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('buying a ticket in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('home to PDF: hold, pay on the gateway page, come back to the ticket, download it', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ acceptDownloads: true });
    const page = await newPage(context, errors);
    const screeningId = await openShowtime(page, ctx.web);

    // holding asks for a login, then comes back to the same seat picker
    await page.getByRole('link', { name: 'Log in to hold seats' }).click();
    await logIn(page);
    await page.waitForURL(`**/showtimes/${screeningId}`);
    await page.getByText('Live: the map follows').waitFor();

    // a couple seat brings its partner, and the page says why before anything is asked of the server
    await page.locator('button.seat.couple.available').first().click();
    assert.equal(await page.locator('button.seat[aria-pressed="true"]').count(), 2);
    await page.getByText(/^Couple seats come in pairs: \w+ \+ \w+ will be held together\.$/).waitFor();
    await page.getByRole('button', { name: 'Clear selection' }).click();

    await page.getByRole('button', { name: /^Row E seat 4,/ }).click();
    await page.getByRole('button', { name: /^Row E seat 5,/ }).click();
    await page.getByText('2 seats selected: E4, E5').waitFor();
    await page.getByRole('button', { name: 'Hold these seats' }).click();
    await page.getByRole('heading', { name: 'Your seats are held' }).waitFor();
    assert.match((await page.getByRole('timer').textContent()) ?? '', /Held for (9|10):\d\d more/);

    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.getByRole('heading', { name: 'Payment' }).waitFor();
    await page.getByLabel(/^Card/).check();
    const total = await page.locator('.sum dd strong').textContent();
    await page.getByRole('button', { name: /^Pay / }).click();

    // the gateway's own page, then back to the shop
    await page.getByRole('heading', { name: /confirm payment/ }).waitFor();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('link', { name: 'Return to the shop' }).click();

    await page.getByRole('heading', { name: 'Your ticket' }).waitFor();
    await page.locator('.status-paid').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('seats').textContent(), 'E4, E5');
    assert.match((await page.getByTestId('booking-code').textContent()) ?? '', /^[A-Z0-9]{6,}$/);
    assert.equal(
      await page
        .locator('.ticket .facts dd')
        .filter({ hasText: total ?? 'x' })
        .count(),
      1,
      `paid ${total}`,
    );
    assert.ok(await page.getByRole('img', { name: 'Show this code at the entrance' }).isVisible());

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
    const pdf = await readFile((await download.path()) as string);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');

    // the ticket is in "My tickets"
    await page.getByRole('link', { name: 'My tickets' }).click();
    await page
      .getByRole('link', { name: /Dune: Part Two/ })
      .first()
      .waitFor();

    // a reload keeps the session (the refresh cookie renews it)
    await page.reload();
    await page
      .getByRole('link', { name: /Dune: Part Two/ })
      .first()
      .waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('tabs opened at the same moment all stay signed in (they take turns with the single-use refresh cookie)', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext();
    const first = await newPage(context, errors);
    await first.goto(`${ctx.web.base}/login`);
    await logIn(first);
    await first.getByRole('button', { name: 'Log out' }).waitFor();
    // each new tab renews the session with the cookie at load; presented twice, the server would
    // take it for a stolen token replayed and end the session in every tab. The renewals are held
    // back until all four tabs have asked or 400 ms passed, so tabs that did not take turns would
    // present the same cookie together.
    let waiting: (() => void)[] = [];
    await context.route('**/api/v1/auth/refresh', async (route) => {
      await new Promise<void>((go) => {
        waiting.push(go);
        if (waiting.length === 4) for (const release of waiting.splice(0)) release();
        else
          setTimeout(() => {
            waiting = waiting.filter((w) => w !== go);
            go();
          }, 400);
      });
      await route.continue();
    });
    const tabs = await Promise.all([1, 2, 3, 4].map(() => newPage(context, errors)));
    await Promise.all(tabs.map((tab) => tab.goto(`${ctx.web.base}/me/tickets`)));
    for (const tab of [...tabs, first]) {
      await tab.reload();
      await tab.getByRole('button', { name: 'Log out' }).waitFor({ timeout: 10_000 });
      assert.equal(await tab.getByRole('link', { name: 'Log in' }).count(), 0);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});
