// A person who uses the keyboard alone buys a ticket; every page passes axe-core (no serious or
// critical violations); the site speaks Bahasa Indonesia to a browser set to it; a 360 px phone
// sees every page without sideways scrolling.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { axeProblems, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

/** Clicks through the date strip until a day lists showtimes. */
async function firstDayWithShows(page: Page) {
  const days = page.locator('.dates button');
  for (let i = 0; i < (await days.count()); i++) {
    await days.nth(i).click();
    if (
      await page
        .locator('a.showtime')
        .first()
        .isVisible()
        .catch(() => false)
    )
      return;
    await page.waitForTimeout(500);
  }
}

const press = async (page: Page, key: string, times = 1) => {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
};

describe('access: keyboard, axe-core, Bahasa Indonesia, a 360 px phone', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('the purchase by keyboard alone, axe-core clean on every page on the way', async () => {
    const errors: string[] = [];
    const problems: string[] = [];
    const context = await ctx.browser.newContext();
    const page = await newPage(context, errors);
    const check = async () => problems.push(...(await axeProblems(page)));

    await page.goto(`${ctx.web.base}/login?next=/`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await check();
    await page.getByLabel('Email').focus();
    await page.keyboard.type('customer@cinema.com');
    await press(page, 'Tab');
    await page.keyboard.type('password');
    await press(page, 'Enter');
    await page.getByRole('heading', { name: /What’s on in/ }).waitFor();
    await page.locator('.movie-card').first().waitFor();
    await check();

    // a theater's page, then back home
    await page.locator('.theaters a').first().focus();
    await press(page, 'Enter');
    await page.getByRole('heading', { name: 'Showtimes' }).waitFor();
    await check();
    await page.getByRole('link', { name: 'Movies' }).focus();
    await press(page, 'Enter');
    await page.locator('.movie-card').first().waitFor();

    await page.getByRole('link', { name: /Oppenheimer/ }).focus();
    await press(page, 'Enter');
    await page.getByRole('heading', { level: 1, name: 'Oppenheimer' }).waitFor();
    const days = page.locator('.dates button');
    let opened = false;
    for (let i = 0; i < (await days.count()) && !opened; i++) {
      await days.nth(i).focus();
      await press(page, 'Enter');
      try {
        await page.locator('a.showtime').first().waitFor({ timeout: 3000 });
        opened = true;
      } catch {}
    }
    assert.ok(opened, 'a showtime in the next 7 days');
    await check();
    await page.locator('a.showtime').first().focus();
    await press(page, 'Enter');
    await page.getByText('Live: the map follows').waitFor();
    await check();

    // into the hall: the first free seat takes the focus; arrows move, Space selects
    const start = page.locator('button.seat[tabindex="0"]');
    await start.focus();
    const first = (await start.getAttribute('aria-label')) ?? '';
    await press(page, 'ArrowDown', 4);
    await press(page, 'ArrowRight', 3);
    const label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
    assert.notEqual(label, first, 'the arrows moved the focus');
    assert.match(label, /^Row E seat \d+, Regular, .+, available$/);
    await press(page, ' ');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-pressed')), 'true');
    await page.getByRole('button', { name: 'Hold these seats' }).focus();
    await press(page, 'Enter');
    await page.getByRole('heading', { name: 'Your seats are held' }).waitFor();
    await check();
    await page.getByRole('button', { name: 'Continue to payment' }).focus();
    await press(page, 'Enter');
    await page.getByRole('heading', { name: 'Payment' }).waitFor();
    await page.getByLabel(/^Card/).focus();
    await press(page, ' ');
    await check();
    await page.getByRole('button', { name: /^Pay / }).focus();
    await press(page, 'Enter');
    await page.getByRole('button', { name: 'Approve' }).focus();
    await press(page, 'Enter');
    await page.getByRole('link', { name: 'Return to the shop' }).focus();
    await press(page, 'Enter');
    await page.locator('.status-paid').waitFor({ timeout: 10_000 });
    await check();
    await page.getByRole('link', { name: 'My tickets' }).focus();
    await press(page, 'Enter');
    await page.locator('.cards li').first().waitFor();
    await check();
    await page.getByRole('link', { name: 'My refunds' }).focus();
    await press(page, 'Enter');
    await page.getByRole('heading', { name: 'My refunds' }).waitFor();
    await check();

    assert.deepEqual(problems, []);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('Bahasa Indonesia for a browser set to it, rupiah as Indonesians write it; the switch back to English', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'id-ID' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/`);
    await page.getByRole('heading', { name: 'Sedang tayang di Jakarta' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'id');
    await page.getByRole('link', { name: /Oppenheimer/ }).click();
    await page.getByRole('heading', { name: 'Jadwal tayang' }).waitFor();
    await firstDayWithShows(page);
    const price = (await page.locator('a.showtime').first().textContent()) ?? '';
    assert.match(price, /mulai Rp\s?\d{1,3}(\.\d{3})+/);
    assert.deepEqual(await axeProblems(page), []);
    // a refusal from the server, said in the reader's language (the server speaks English)
    await page.getByRole('link', { name: 'Masuk', exact: true }).click();
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Kata sandi').fill('not-the-password');
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByText('Email atau kata sandi salah.').waitFor();
    await page.getByLabel('Bahasa').selectOption('en');
    await page.getByLabel('Email').fill('nobody@example.com');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Email or password is wrong').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a 360 px phone: no page scrolls sideways; the hall scrolls inside its own box', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    const page = await newPage(context, errors);
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.goto(`${ctx.web.base}/`);
    await page.locator('.movie-card').first().waitFor();
    assert.equal(await overflow(), 0, 'home');
    await page.getByRole('link', { name: /Oppenheimer/ }).click();
    await page.locator('.dates button').first().waitFor();
    assert.equal(await overflow(), 0, 'movie');
    await firstDayWithShows(page);
    await page.locator('a.showtime').first().click();
    await page.locator('.seat').first().waitFor();
    assert.equal(await overflow(), 0, 'seat picker');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
