// Screenshots of the customer's main screens, desktop and phone, and of the door (staff check-in), into docs/screenshots/ (the README
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
  else await reports();
  await context.close();
}

/** The reports an admin reads on a laptop, with the sale just made. */
async function reports() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${base}/login?next=/admin/reports`);
  await page.getByLabel('Email').fill('admin@cinema.com');
  await page.getByLabel('Password').fill('password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('sales-total').waitFor();
  await page.getByRole('heading', { name: 'Top movies' }).waitFor();
  await shot(page, 'desktop-reports');
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
