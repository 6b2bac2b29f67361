// The catalog in the browser, against the real API and database: an admin adds a movie and changes
// it (a change made meanwhile by someone else is not overwritten: "reload"); adds a city and a
// theater in it; on the theater's page sets its seat rules and alert thresholds, a price rule and
// surcharge, its own refund policy and back to the default; adds a hall, which opens in the layout
// editor. The database agrees at each step. Reached from the header's office page. axe-core on each
// page; keyboard; Bahasa Indonesia; no sideways scroll on a phone.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { call, loginAs } from '../helpers/http.ts';
import { axeProblems, logIn, newPage, skipBrowser, webAppAndBrowser } from './helpers.ts';

describe('the catalog in the browser', { skip: skipBrowser }, () => {
  const ctx = webAppAndBrowser();

  test('movies, a city and a theater, its seat rules, prices, refund policy and a new hall', async () => {
    const { t } = ctx.web;
    const db = t.rt.db;
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const tag = randomUUID().slice(0, 6);
    const title = `Test Movie ${tag}`;

    const errors: string[] = [];
    const context = await ctx.browser.newContext({ locale: 'en-GB' });
    const page = await newPage(context, errors);
    // from the header to the office, which lists every admin page, and on to the catalog
    await page.goto(`${ctx.web.base}/login?next=/`);
    await logIn(page, 'admin@cinema.com', 'password');
    await page.locator('header').getByRole('link', { name: 'Office' }).click();
    await page.getByRole('heading', { name: 'The office', level: 1 }).waitFor();
    assert.equal(await page.locator('.office a').count(), 8);
    assert.deepEqual(await axeProblems(page), []);
    await page.getByRole('link', { name: 'Catalog' }).click();
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    await page.getByTestId('movies-table').waitFor();
    assert.deepEqual(await axeProblems(page), []);

    // a movie, added by keyboard
    const movieForm = page.locator('#movie-form');
    await movieForm.getByLabel('Title').fill(title);
    await movieForm.getByLabel('Length in minutes').fill('95');
    await movieForm.getByLabel('Genres (comma-separated)').fill('Drama, Family');
    await movieForm.getByLabel('First day').fill('2026-12-01');
    await movieForm.getByLabel('First day').press('Enter');
    await page.getByText(`${title} added.`).waitFor();
    await page.getByRole('row', { name: new RegExp(title) }).waitFor();
    const movie = async () =>
      (await db.query<{ id: number; duration: number; genre: string[] }>('SELECT id, duration, genre FROM movies WHERE title = $1', [title])).rows[0];
    assert.deepEqual({ ...(await movie()), id: 0 }, { id: 0, duration: 95, genre: ['Drama', 'Family'] });
    const movieId = (await movie()).id;

    // changed meanwhile through the API: the page's edit is refused, not written over it
    await page.getByRole('button', { name: `Edit ${title}` }).click();
    await movieForm.getByLabel('Length in minutes').fill('100');
    const meanwhile = await call(t.app, { method: 'PATCH', url: `/api/v1/movies/${movieId}`, token: admin, payload: { description: 'Changed' } });
    assert.equal(meanwhile.status, 200);
    await movieForm.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Someone changed this meanwhile. The form now shows it as it is; make your change again.').waitFor();
    assert.equal((await movie()).duration, 95);
    await page.waitForFunction(() => (document.querySelector('#movie-form textarea') as HTMLTextAreaElement | null)?.value === 'Changed');
    assert.equal(await movieForm.getByLabel('Length in minutes').inputValue(), '95', 'the form shows the movie as it is now');
    await movieForm.getByLabel('Length in minutes').fill('100');
    await movieForm.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`${title} saved.`).waitFor();
    assert.equal((await movie()).duration, 100);

    // a title search finds it, and only what matches
    await page.getByLabel('Find a movie by title').fill(tag);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('button', { name: 'Show all' }).waitFor();
    // the button comes with the search; the table follows when the answer arrives
    const titles = page.getByTestId('movies-table').locator('tbody th');
    await page
      .waitForFunction((n) => document.querySelectorAll('[data-testid="movies-table"] tbody th').length === n, 1, { timeout: 10_000 })
      .catch(() => {});
    assert.deepEqual(await titles.allTextContents(), [title]);
    await page.getByRole('button', { name: 'Show all' }).click();
    await page.getByRole('row', { name: /Dune/ }).first().waitFor();

    // a city and a theater in it
    const city = `Testville ${tag}`;
    await page.getByLabel('City', { exact: true }).fill(city);
    await page.locator('form[aria-labelledby="add-city-h"]').getByRole('button', { name: 'Add' }).click();
    await page.getByRole('heading', { name: `Theaters in ${city}` }).waitFor();
    await page.getByText('No theater yet.').waitFor();
    const theaterName = `Bioskop ${tag}`;
    const theaterForm = page.locator('form[aria-labelledby="add-theater-h"]');
    await theaterForm.getByLabel('Theater name').fill(theaterName);
    await theaterForm.getByLabel('Address').fill('Jl. Malioboro 1');
    await theaterForm.getByLabel(/^Time zone/).fill('Asia/Jakarta');
    // a double click adds one theater, not two
    await theaterForm.getByRole('button', { name: 'Add' }).dblclick();
    await page.getByRole('link', { name: theaterName }).click();
    await page.getByRole('heading', { name: theaterName, level: 1 }).waitFor();
    const { rows: th } = await db.query<{ id: number; city: string }>(
      'SELECT t.id, c.name AS city FROM theaters t JOIN cities c ON c.id = t.city_id WHERE t.name = $1',
      [theaterName],
    );
    assert.equal(th.length, 1, 'one theater for a double click');
    assert.equal(th[0].city, city);
    const theaterId = th[0].id;
    await page.getByRole('heading', { name: 'Refund policy' }).waitFor();
    assert.deepEqual(await axeProblems(page), []);

    // seat rules and alert thresholds
    await page.getByLabel('Refuse holds that leave a single empty seat stranded').uncheck();
    await page.getByLabel(/^Near-sold-out alerts at/).fill('70, 90, 100');
    await page.locator('form[aria-labelledby="settings-h"]').getByRole('button', { name: 'Save' }).click();
    await page.getByText(`${theaterName} saved.`).waitFor();
    const { rows: rules } = await db.query<{ orphan_seat_rule: boolean; sellout_alert_percents: number[] }>(
      'SELECT orphan_seat_rule, sellout_alert_percents FROM theaters WHERE id = $1',
      [theaterId],
    );
    assert.deepEqual(rules[0], { orphan_seat_rule: false, sellout_alert_percents: [70, 90, 100] });

    // changed meanwhile through the API: the page's save is refused, and the form shows the change
    const settings = page.locator('form[aria-labelledby="settings-h"]');
    const moved = await call(t.app, { method: 'PATCH', url: `/api/v1/theaters/${theaterId}`, token: admin, payload: { address: 'Jl. Baru 2' } });
    assert.equal(moved.status, 200);
    await settings.getByLabel('Phone').fill('0274-123456');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Someone changed this meanwhile. The form now shows it as it is; make your change again.').waitFor();
    const address = settings.getByLabel('Address');
    await page.waitForFunction(() => {
      const labels = [...document.querySelectorAll('form[aria-labelledby="settings-h"] label')];
      const input = labels.find((l) => l.textContent?.startsWith('Address'))?.querySelector('input');
      return input?.value === 'Jl. Baru 2';
    });
    assert.equal(await address.inputValue(), 'Jl. Baru 2');
    const { rows: phone } = await db.query<{ contact_phone: string | null }>('SELECT contact_phone FROM theaters WHERE id = $1', [theaterId]);
    assert.equal(phone[0].contact_phone, null, 'the refused save changed nothing');

    // the price card: a VIP surcharge and a weekday matinee
    const prices = page.locator('form[aria-labelledby="prices-h"]');
    // half a rupiah: refused in words before anything is sent (the API refuses it too: invalid_amount)
    await prices.getByLabel('VIP', { exact: true }).fill('25000.5');
    await prices.getByRole('button', { name: 'Save the price card' }).click();
    await prices.getByText('VIP: enter a whole amount; IDR prices have no decimals.').waitFor();
    const unsaved = (await call(t.app, { method: 'GET', url: `/api/v1/theaters/${theaterId}/pricing` })).body.data;
    assert.equal(unsaved.surcharges.vip, undefined, 'nothing was saved');
    await prices.getByLabel('VIP', { exact: true }).fill('25000');
    await prices.getByRole('button', { name: 'Add a price rule' }).click();
    await prices.getByLabel('Name (e.g. Matinee)').fill('Matinee');
    await prices.getByLabel('Days').selectOption('weekday');
    await prices.getByLabel('From (local time)').fill('10:00');
    await prices.getByLabel('Until (local time)').fill('13:00');
    await prices.getByLabel(/^Added to the price/).fill('-5000');
    await prices.getByRole('button', { name: 'Save the price card' }).click();
    await page.getByText('Price card saved.').waitFor();
    const card = (await call(t.app, { method: 'GET', url: `/api/v1/theaters/${theaterId}/pricing` })).body.data;
    assert.equal(card.surcharges.vip, 25000);
    assert.deepEqual(
      card.rules.map((r: { name: string; days: string; starts_at: string; ends_at: string; adjustment: number }) => [
        r.name,
        r.days,
        r.starts_at,
        r.ends_at,
        r.adjustment,
      ]),
      [['Matinee', 'weekday', '10:00', '13:00', -5000]],
    );

    // its own refund policy, then the default again
    const policy = page.locator('form[aria-labelledby="policy-h"]');
    await policy.getByText('This theater follows the default policy; saving here gives it its own.').waitFor();
    await policy.getByLabel('Percent of the seat price returned').first().fill('90');
    await policy.getByRole('button', { name: 'Save the refund policy' }).click();
    await page.getByText('Refund policy saved.').waitFor();
    await policy.getByText('This theater has its own policy.').waitFor();
    const own = (await call(t.app, { method: 'GET', url: `/api/v1/theaters/${theaterId}/refund-policy`, token: admin })).body.data;
    assert.deepEqual([own.source, own.tiers[0].percent], ['theater', 90]);
    page.once('dialog', (d) => void d.accept());
    await policy.getByRole('button', { name: 'Follow the default policy instead' }).click();
    await page.getByText('This theater now follows the default policy.').waitFor();
    const back = (await call(t.app, { method: 'GET', url: `/api/v1/theaters/${theaterId}/refund-policy`, token: admin })).body.data;
    assert.equal(back.source, 'default');

    // a hall of 3 rows of 5 with an aisle after seat 2: it opens in the layout editor
    const hallForm = page.locator('form[aria-labelledby="add-hall-h"]');
    await hallForm.getByLabel('Hall name').fill('Studio T');
    await hallForm.getByLabel('Rows').fill('3');
    await hallForm.getByLabel('Seats per row').fill('5');
    await hallForm.getByLabel(/^Aisle after seat/).fill('2');
    await hallForm.getByRole('button', { name: 'Add the hall and edit its layout' }).click();
    await page.getByRole('heading', { name: 'Layout of Studio T', level: 1 }).waitFor();
    await page.getByText('15 seats; 0 chosen.').waitFor();
    const { rows: hall } = await db.query<{ capacity: number; layout: { aisles: number[] } }>(
      'SELECT capacity, layout FROM halls WHERE theater_id = $1 AND name = $2',
      [theaterId, 'Studio T'],
    );
    assert.deepEqual([hall[0].capacity, hall[0].layout.aisles], [15, [2]]);

    // Bahasa Indonesia
    await page.goto(`${ctx.web.base}/admin/catalog`);
    await page.locator('header').getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Katalog', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Kebijakan refund bawaan' }).waitFor();
    assert.deepEqual(await axeProblems(page), []);

    // on a phone the page fits the screen's width (wide tables scroll inside themselves)
    await page.setViewportSize({ width: 390, height: 844 });
    for (const url of ['/admin/catalog', `/admin/theaters/${theaterId}`]) {
      await page.goto(`${ctx.web.base}${url}`);
      await page.locator('form').first().waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, url);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});
