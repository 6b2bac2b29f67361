// Screenshots of the customer's main screens, desktop and phone, the door (staff check-in) and the office (reports, schedule,
// a theater, the layout editor), into docs/screenshots/ (the README
// shows them): `npm run screenshots`. Runs the service in process on the embedded default with the
// demo data (in memory), and Debian's Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
import { mkdirSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { startLocalApp } from './local-app.ts';

// SCREENSHOTS_DIR and SCREENSHOTS_TYPE=png for a look at full quality elsewhere
const OUT = process.env.SCREENSHOTS_DIR
  ? new URL(`file://${process.env.SCREENSHOTS_DIR.replace(/\/?$/, '/')}`)
  : new URL('../docs/screenshots/', import.meta.url);
const TYPE = process.env.SCREENSHOTS_TYPE === 'png' ? 'png' : 'jpeg';
const local = await startLocalApp();
const base = local.base;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
mkdirSync(OUT, { recursive: true });

const shot = (page: Page, name: string) =>
  page.screenshot({
    path: new URL(`${name}.${TYPE === 'png' ? 'png' : 'jpg'}`, OUT).pathname,
    type: TYPE,
    ...(TYPE === 'jpeg' ? { quality: 80 } : {}),
  });

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

async function tour(kind: 'desktop' | 'phone') {
  const context = await browser.newContext(kind === 'desktop' ? { viewport: { width: 1280, height: 860 } } : PHONE);
  const page = await context.newPage();
  await page.goto(`${base}/login?next=/`);
  await page.getByLabel('Email').fill('customer@cinema.com');
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.movie-card').first().waitFor();
  await shot(page, `${kind}-home`);
  await page
    .getByRole('link', { name: /Dune: Part Two/ })
    .first()
    .click();
  const days = page.locator('.dates button');
  await days.first().waitFor();
  for (let i = 0; i < (await days.count()); i++) {
    await days.nth(i).click();
    if (
      await page
        .locator('a.showtime')
        .first()
        .waitFor({ timeout: 3000 })
        .then(
          () => true,
          () => false,
        )
    )
      break;
  }
  await shot(page, `${kind}-movie`);
  await page.locator('a.showtime').first().click();
  await page.getByText('Live: the map follows').waitFor();
  for (const label of kind === 'desktop' ? ['F7', 'F8'] : ['G7', 'G8'])
    await page.locator(`button.seat[aria-label^="Row ${label[0]} seat ${label.slice(1)},"]`).click();
  await shot(page, `${kind}-seats`);
  await page.getByRole('button', { name: 'Hold these seats' }).click();
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByLabel(/^Card/).check();
  await shot(page, `${kind}-checkout`);
  await page.getByRole('button', { name: /^Pay / }).click();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('link', { name: 'Return to the shop' }).click();
  await page.locator('.status-paid').waitFor({ timeout: 10_000 });
  await page.locator('img.qr').waitFor();
  await shot(page, `${kind}-ticket`);
  if (kind === 'phone') await door(new URL(page.url()).pathname.split('/').pop() as string);
  else await office(new URL(page.url()).pathname.split('/').pop() as string);
  await context.close();
}

/**
 * The office on a laptop: the reports with the sale just made, the schedule, the catalog, and the
 * layout editor refusing to remove the seats just sold (the refusal marked on those seats).
 */
async function office(ticketId: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${base}/login?next=/admin/reports`);
  await page.getByLabel('Email').fill('admin@cinema.com');
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('sales-total').waitFor();
  await page.getByRole('heading', { name: 'Top movies' }).waitFor();
  await shot(page, 'desktop-reports');

  const { rows } = await local.db.query<{ hall_id: number; theater_id: number; city_id: number; day: string; seats: string[] }>(
    `SELECT h.id AS hall_id, h.theater_id, th.city_id, to_char(sc.show_time AT TIME ZONE th.time_zone, 'YYYY-MM-DD') AS day,
            array_agg(s.row_label || s.number ORDER BY s.number) AS seats
       FROM tickets t JOIN screenings sc ON sc.id = t.screening_id JOIN halls h ON h.id = sc.hall_id
       JOIN theaters th ON th.id = h.theater_id JOIN ticket_seats ts ON ts.ticket_id = t.id JOIN seats s ON s.id = ts.seat_id
      WHERE t.id = $1 GROUP BY h.id, h.theater_id, th.city_id, sc.show_time, th.time_zone`,
    [ticketId],
  );
  const { hall_id, theater_id, city_id, day, seats } = rows[0];
  await page.goto(`${base}/admin/schedule`);
  await page.getByLabel('City').selectOption(String(city_id));
  await page.getByLabel('Theater').selectOption(String(theater_id));
  await page.getByLabel('Day').fill(day);
  await page.locator('.block').first().waitFor();
  await shot(page, 'desktop-schedule');
  await page.goto(`${base}/admin/theaters/${theater_id}`);
  await page.getByRole('heading', { name: 'Price card' }).waitFor();
  await shot(page, 'desktop-theater');
  await page.goto(`${base}/admin/halls/${hall_id}/layout`);
  for (const label of seats) await page.locator(`button.seat[aria-label^="Row ${label[0]} seat ${label.slice(1)},"]`).click();
  await page.getByRole('button', { name: 'Remove the chosen seats' }).click();
  await page.getByRole('button', { name: 'Save the layout' }).click();
  await page.getByText(/^Not saved: seats/).waitFor();
  await page.evaluate(() => document.querySelector('.hall')?.scrollIntoView());
  await page.mouse.move(0, 0);
  await shot(page, 'desktop-layout');
  await context.close();
}

/** The door on a phone: the show of the ticket just bought has begun, and staff admit it by its code. */
async function door(ticketId: string) {
  const { rows } = await local.db.query<{ code: string; screening_id: number }>(
    'SELECT booking_code AS code, screening_id FROM tickets WHERE id = $1',
    [ticketId],
  );
  await local.db.query(`UPDATE screenings SET show_time = now() - interval '10 minutes', end_time = now() + interval '110 minutes' WHERE id = $1`, [
    rows[0].screening_id,
  ]);
  const context = await browser.newContext({ ...PHONE, timezoneId: 'Asia/Jakarta' });
  const page = await context.newPage();
  await page.goto(`${base}/login?next=/staff/checkin`);
  await page.getByLabel('Email').fill('staff@cinema.com');
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Booking code or QR text').fill(rows[0].code);
  await page.getByRole('button', { name: 'Admit', exact: true }).click();
  await page.getByTestId('door-count').waitFor();
  await shot(page, 'phone-door');
  await context.close();
}

try {
  await tour('desktop');
  await tour('phone');
  console.log(`screenshots written to ${OUT.pathname}`);
} finally {
  await browser.close();
  await local.close();
}
