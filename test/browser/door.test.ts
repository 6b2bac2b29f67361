// The door, as a staff member with a phone works it: Chromium's fake camera shows a ticket's QR (a
// video made from the ticket's own code), the page reads it and admits the ticket; the next scan of
// the same QR is refused with the time of the first. A typed booking code admits by keyboard; a
// look-up admits nothing; with the network gone the page says the ticket was not checked (never a
// stale answer); the count admitted follows; Bahasa Indonesia; axe-core clean; no sideways scroll.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { call, loginAs } from '../helpers/http.ts';
import { paidTicket } from '../helpers/refunds.ts';
import { plainHall, screeningIn } from '../helpers/screenings.ts';
import { writeQrVideo } from './fake-camera.ts';
import { axeProblems, launch, logIn, newPage, skipBrowser, startWebApp, type WebApp } from './helpers.ts';

describe('the door: check-in on a phone', { skip: skipBrowser }, () => {
  let web: WebApp;
  let browser: Browser;
  let dir: string;
  const tickets: { id: string; code: string; qr: string }[] = [];
  let screeningId: number;

  before(async () => {
    web = await startWebApp();
    const admin = await loginAs(web.t.app, 'admin@cinema.com');
    const customer = await loginAs(web.t.app, 'customer@cinema.com');
    const hall = await plainHall(web.t.app, admin, 2, 4);
    screeningId = (await screeningIn(web.t.app, admin, hall, 2)).id;
    for (const seats of [['A1', 'A2'], ['B1'], ['B2']]) {
      const p = await paidTicket(web.t, customer, screeningId, seats);
      const v = await call(web.t.app, { method: 'GET', url: `/api/v1/tickets/${p.ticketId}`, token: customer });
      tickets.push({ id: p.ticketId, code: v.body.data.booking_code, qr: v.body.data.qr });
    }
    // the show began ten minutes ago: the doors are open (sales closed at the start, so it moves after them)
    await web.t.rt.db.query(
      `UPDATE screenings SET show_time = now() - interval '10 minutes', end_time = now() + interval '110 minutes' WHERE id = $1`,
      [screeningId],
    );
    dir = mkdtempSync(join(tmpdir(), 'door-'));
    const video = join(dir, 'ticket.y4m');
    writeQrVideo(video, tickets[0].qr);
    browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const checkedInAt = async (id: string) =>
    (await web.t.rt.db.query<{ at: Date | null }>('SELECT checked_in_at AS at FROM tickets WHERE id = $1', [id])).rows[0].at;
  const clock = (at: Date, tag: string) => new Intl.DateTimeFormat(tag, { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit' }).format(at);

  test('scan, refused second scan, typed code, look-up, offline, count; axe-core; a phone; Bahasa Indonesia', async () => {
    const errors: string[] = [];
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      timezoneId: 'Asia/Jakarta',
      locale: 'en-GB',
      permissions: ['camera'],
    });
    const page = await newPage(context, errors);
    await page.goto(`${web.base}/staff/checkin`);
    await logIn(page, 'staff@cinema.com', 'password');
    await page.getByRole('heading', { name: 'Check-in' }).waitFor();
    const answer = page.getByTestId('door-answer');
    const count = page.getByTestId('door-count');

    // 1. the camera reads the QR: admitted, with the seats
    await page.getByRole('button', { name: 'Scan with camera' }).click();
    await answer.filter({ hasText: /✓ Admitted/ }).waitFor({ timeout: 15_000 });
    assert.match(String(await answer.textContent()), /A1, A2/);
    const first = await checkedInAt(tickets[0].id);
    assert.ok(first, 'the scan admitted the ticket');
    await count.filter({ hasText: '1 of 3 tickets (2 of 4 seats)' }).waitFor();

    // 2. the same QR again: refused, with the time of the first admission
    await page.getByRole('button', { name: 'Scan next ticket' }).click();
    await answer.filter({ hasText: /✕ Not admitted/ }).waitFor({ timeout: 15_000 });
    assert.match(String(await answer.textContent()), new RegExp(`Already checked in at ${clock(first, 'en-GB')}`));
    assert.deepEqual(await checkedInAt(tickets[0].id), first, 'the refusal changed nothing');
    await page.getByRole('button', { name: 'Stop camera' }).click();

    // 3. a typed booking code, by keyboard alone: admitted
    await page.getByLabel('Booking code or QR text').focus();
    await page.keyboard.type(tickets[1].code.toLowerCase());
    await page.keyboard.press('Enter');
    await answer.filter({ hasText: /✓ Admitted/ }).waitFor();
    assert.match(String(await answer.textContent()), /B1/);
    await count.filter({ hasText: '2 of 3 tickets (3 of 4 seats)' }).waitFor();

    // 4. a look-up shows the ticket and admits nothing
    await page.getByLabel('Booking code or QR text').fill(tickets[2].code);
    await page.getByRole('button', { name: 'Look up' }).click();
    await answer.filter({ hasText: 'Ticket found (looking it up lets no one in)' }).waitFor();
    assert.match(String(await answer.textContent()), /A scan now would admit it/);
    assert.equal(await checkedInAt(tickets[2].id), null);
    assert.deepEqual(await axeProblems(page), []);

    // 5. the network drops while admitting: the page cannot know whether the admission happened, and
    // says so (never "Admitted", never a stale answer); back online, a look-up tells
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Admit now' }).click();
    await page.getByRole('alert').filter({ hasText: 'No answer arrived: nobody can tell yet whether this ticket was let in' }).waitFor();
    assert.equal(await answer.count(), 0, 'no earlier answer is left on the screen');
    await page.getByText('You are offline').waitFor();
    assert.equal(await checkedInAt(tickets[2].id), null);
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Look it up' }).click();
    await answer.filter({ hasText: 'A scan now would admit it' }).waitFor();
    await page.getByRole('button', { name: 'Admit now' }).click();
    await answer.filter({ hasText: /✓ Admitted/ }).waitFor();
    assert.match(String(await answer.textContent()), /B2/);
    await count.filter({ hasText: '3 of 3 tickets (4 of 4 seats)' }).waitFor();
    assert.ok(await checkedInAt(tickets[2].id));

    // 6. refused answers are axe-clean too, and nothing scrolls sideways on the phone
    await page.getByLabel('Booking code or QR text').fill(tickets[0].code);
    await page.getByRole('button', { name: 'Admit', exact: true }).click();
    await answer.filter({ hasText: /✕ Not admitted/ }).waitFor();
    assert.deepEqual(await axeProblems(page), []);
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)) <= 0);

    // 7. in Bahasa Indonesia, with the time as Indonesians write it
    await page.getByLabel('Language').selectOption('id');
    await page.getByRole('heading', { name: 'Check-in tiket' }).waitFor();
    await page.getByLabel('Kode pemesanan atau teks QR').fill(tickets[0].code);
    await page.getByRole('button', { name: 'Izinkan masuk', exact: true }).click();
    await answer.filter({ hasText: /✕ Tidak boleh masuk/ }).waitFor();
    assert.match(String(await answer.textContent()), new RegExp(`Sudah masuk pukul ${clock(first, 'id-ID').replace('.', '\\.')}`));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a customer is told the page is for staff', async () => {
    const errors: string[] = [];
    const context = await browser.newContext();
    const page = await newPage(context, errors);
    await page.goto(`${web.base}/staff/checkin`);
    await logIn(page);
    await page.getByText('This page is for cinema staff').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Scan with camera' }).count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
