// What every page does for the person in front of it: the browser tab names the page (in their
// language); after following a link the focus lands on the new page's heading once it has loaded,
// unless they are typing meanwhile; the register form says the password rule before submitting and
// agrees with the API; on a 360 px phone a big hall's seats are tap-sized, scroll inside the seat map
// (not the page) and the arrow keys still walk them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEMO } from '../../src/db/seed/demo-ids.ts';
import { call } from '../helpers/http.ts';
import { logIn, newPage, openShowtime, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('pages: titles, focus, the password rule, a phone', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('the tab names each page, in English and in Bahasa Indonesia', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/login?next=/`);
    await page.getByRole('heading', { name: 'Log in', level: 1 }).waitFor();
    assert.equal(await page.title(), 'Log in · Cinema');
    await logIn(page);
    await page.getByRole('heading', { name: /What’s on in Jakarta/ }).waitFor();
    await page.waitForFunction(() => document.title === 'What’s on in Jakarta · Cinema');

    await page
      .getByRole('link', { name: /Oppenheimer/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Oppenheimer', level: 1 }).waitFor();
    await page.waitForFunction(() => document.title === 'Oppenheimer · Cinema');

    await page.locator('header').getByRole('link', { name: 'My tickets' }).click();
    await page.getByRole('heading', { name: 'My tickets', level: 1 }).waitFor();
    await page.waitForFunction(() => document.title === 'My tickets · Cinema');

    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Tiket saya', level: 1 }).waitFor();
    await page.waitForFunction(() => document.title === 'Tiket saya · Bioskop');
    // the account's e-mails and e-tickets follow the language in use (lib/account-locale.ts)
    const localeOf = async () =>
      (await ctx.web.t.rt.db.query<{ locale: string }>("SELECT locale FROM users WHERE email = 'customer@cinema.com'")).rows[0].locale;
    for (let i = 0; i < 50 && (await localeOf()) !== 'id'; i++) await page.waitForTimeout(100);
    assert.equal(await localeOf(), 'id', 'switching language while signed in saves it on the account');

    const { rows } = await ctx.web.t.rt.db.query<{ name: string }>('SELECT name FROM theaters WHERE id = $1', [DEMO.theaters.grandIndonesia]);
    await page.goto(`${ctx.web.base}/theaters/${DEMO.theaters.grandIndonesia}`);
    await page.getByRole('heading', { name: rows[0].name, level: 1 }).waitFor();
    await page.waitForFunction((name) => document.title === `${name} · Bioskop`, rows[0].name);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("signing in where the language was only guessed from the browser shows the account's language and leaves it as it was", async () => {
    const email = `guess-${Date.now()}@example.com`;
    const password = 'violet tractor umbrella sings';
    const made = await call(ctx.web.t.app, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password, full_name: 'Ana', locale: 'en' },
    });
    assert.equal(made.status, 201);
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'id-ID' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/login?next=/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Kata sandi').fill(password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    // the browser said Indonesian, the account says English: once signed in the page speaks English
    await page.locator('header').getByRole('link', { name: 'My tickets' }).click();
    await page.getByRole('heading', { name: 'My tickets', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.waitForTimeout(500); // what a PATCH /me would need to land
    const { rows } = await ctx.web.t.rt.db.query<{ locale: string }>('SELECT locale FROM users WHERE email = $1', [email]);
    assert.equal(rows[0].locale, 'en', "a guess never overwrites the account's choice");
    // shown, not picked: this device still has no language of its own
    assert.equal(await page.evaluate(() => localStorage.getItem('cinema.locale')), null);
    // signed out, the page speaks as the browser does again: the next person here does not inherit it
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('header').getByRole('link', { name: 'Masuk' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('after following a link the heading takes the focus once the page has loaded, never from someone typing', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/`);
    await page.locator('.movie-card').first().waitFor();

    // a movie's title comes with its data: the heading is focused when it is there
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(/\/api\/v1\/movies\/\d+$/, async (route) => {
      await held;
      await route.continue();
    });
    await page
      .getByRole('link', { name: /Oppenheimer/ })
      .first()
      .click();
    await page.getByText('Loading…').first().waitFor();
    release();
    await page.getByRole('heading', { name: 'Oppenheimer', level: 1 }).waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Oppenheimer');
    await page.unroute(/\/api\/v1\/movies\/\d+$/);

    // home, its films slow to come: the customer starts typing a search meanwhile and keeps the field
    let again: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      again = resolve;
    });
    await page.route(/\/api\/v1\/movies\?/, async (route) => {
      await slow;
      await route.continue();
    });
    await page.locator('header').getByRole('link', { name: 'Movies' }).click();
    const search = page.getByRole('searchbox', { name: 'Search by title' });
    await search.click();
    await page.keyboard.type('Dun');
    again();
    await page.locator('.movie-card').first().waitFor();
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('type')), 'search');
    await page.keyboard.type('e');
    assert.equal(await search.inputValue(), 'Dune');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the register form says the password rule first, refuses a short one in words, and agrees with the API', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    // what the API says it refuses
    const doc = (await (await page.request.get(`${ctx.web.base}/swagger/json`)).json()) as {
      paths: Record<
        string,
        { post?: { requestBody: { content: Record<string, { schema: { properties: Record<string, { minLength?: number }> } }> } } }
      >;
    };
    const body = doc.paths['/api/v1/auth/register'].post?.requestBody.content['application/json'].schema;
    assert.equal(body?.properties.password.minLength, 10, 'the schema asks what the strength check asks');

    await page.goto(`${ctx.web.base}/register`);
    const password = page.getByLabel('Password');
    // said before anything is submitted, and tied to the field
    const rule = page.getByText('At least 10 characters and hard to guess');
    await rule.waitFor();
    assert.equal(await password.getAttribute('aria-describedby'), await rule.getAttribute('id'));

    let posted = 0;
    page.on('request', (r) => {
      if (r.url().endsWith('/auth/register')) posted++;
    });
    await page.getByLabel('Full name').fill('Rina Wijaya');
    await page.getByLabel('Email').fill('rina.short@example.com');
    await password.fill('tiger2026');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByText('The password needs at least 10 characters (it has 9).').waitFor();
    assert.equal(posted, 0, 'refused before it was sent');

    await page.getByLabel('Language').selectOption('id');
    await page.getByText('Minimal 10 karakter dan sulit ditebak').waitFor();
    await page.locator('header .lang select').selectOption('en');

    await password.fill('violet tractor umbrella sings');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.waitForURL(`${ctx.web.base}/`);
    assert.equal(posted, 1);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a big hall on a 360 px phone: seats of at least 24 px scroll inside the map, not the page, and the arrows walk them', async () => {
    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB', viewport: { width: 360, height: 740 } });
    const page = await newPage(context, errors);
    await page.goto(`${ctx.web.base}/login?next=/`);
    await logIn(page);
    await page.waitForURL(`${ctx.web.base}/`);
    await openShowtime(page, ctx.web);
    const seat = await page.locator('button.seat').first().boundingBox();
    assert.ok(seat && seat.width >= 24 && seat.height >= 24, `a seat is ${seat?.width}x${seat?.height} px`);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360, 'the page does not scroll sideways');
    const box = page.locator('.hall-scroll');
    assert.ok(await box.evaluate((el) => el.scrollWidth > el.clientWidth), 'the map scrolls inside its box');

    // the arrows walk the row to its end: the focused seat is scrolled into view inside the box
    await page.locator('button.seat[tabindex="0"]').focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const r = el.getBoundingClientRect();
      return { seat: el.classList.contains('seat'), left: r.left, right: r.right };
    });
    assert.ok(focused.seat, 'a seat has the focus');
    assert.ok(focused.left >= 0 && focused.right <= 360, `the focused seat is on screen (${focused.left}-${focused.right})`);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
