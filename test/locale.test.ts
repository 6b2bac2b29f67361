// An account's language (users.locale): chosen at registration or with PATCH /me, and the one its
// e-mails, SMS and e-ticket are written in.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listen } from './helpers/checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { paidTicket, renderedMessages } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
before(async () => {
  t = await startTestApp();
  await listen(t); // the gateway's webhooks reach it
  admin = await loginAs(t.app, 'admin@cinema.com');
});
after(() => t.close());

const register = (email: string, locale?: string, extra: Record<string, string> = {}) =>
  call(t.app, {
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password: 'violet tractor umbrella sings', full_name: 'Siti Rahma', ...(locale ? { locale } : {}), ...extra },
  });

test('an account keeps the language it chose; PATCH /me changes it; anything else is refused and changes nothing', async () => {
  const plain = await register(`plain-${Date.now()}@example.com`);
  assert.equal(plain.body.data.user.locale, 'en', 'English unless chosen');
  const r = await register(`siti-${Date.now()}@example.com`, 'id');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.data.user.locale, 'id');
  const token = r.body.data.token as string;
  const me = () => call(t.app, { method: 'GET', url: '/api/v1/me', token });
  const patch = (payload: Record<string, unknown>) => call(t.app, { method: 'PATCH', url: '/api/v1/me', token, payload });
  assert.equal((await me()).body.data.locale, 'id');
  assertProblem(await patch({ locale: 'fr' }), 400, 'validation_failed');
  assertProblem(await patch({}), 400, 'validation_failed');
  assert.equal((await me()).body.data.locale, 'id');
  // a field it does not take is dropped, never written (no role through this door)
  assert.equal((await patch({ locale: 'en', role: 'admin' })).body.data.locale, 'en');
  assert.equal((await me()).body.data.locale, 'en');
  assert.equal((await me()).body.data.role, 'customer');
});

test("the e-ticket e-mail and SMS are written in the customer's language", async () => {
  const r = await register(`budi-${Date.now()}@example.com`, 'id', { phone_number: '+6281234567890' });
  const token = r.body.data.token as string;
  const s = await newScreening(t.app, admin);
  const paid = await paidTicket(t, token, s.id, ['D6', 'D7']);
  const told = await renderedMessages(t, 'ticket_issued', paid.ticketId);
  assert.match(told.email.subject ?? '', /^E-tiket Anda /);
  for (const words of ['Halo Siti Rahma,', 'sudah terkonfirmasi', 'Kode pemesanan: ', 'Kursi: D6, D7', 'Tunjukkan kode QR-nya']) {
    assert.ok(told.email.text.includes(words), `missing ${words} in:\n${told.email.text}`);
  }
  assert.match(told.email.text, /Waktu: (Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d+ \w+ \d{4}, \d\d\.\d\d /);
  assert.ok(!/Your tickets|Booking code/.test(told.email.text), told.email.text);
  assert.match(told.sms.text, /, kursi D6, D7\. Kode [A-Z0-9]{4}-[A-Z0-9]{4}\. /);
});
