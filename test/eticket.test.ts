import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import jsqr from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';
import { ConfigError } from '../src/config.ts';
import { BOOKING_CODE_ALPHABET, formatBookingCode, newBookingCode, normaliseBookingCode } from '../src/eticket/booking-code.ts';
import { formatMoney, formatShowTime, renderTicketPdf, type TicketPdfView } from '../src/eticket/pdf.ts';
import { qrPng, qrSvg } from '../src/eticket/qr.ts';
import { loadTicketKeys, newTicketKeyPem, TicketKeyError, ticketKeyId } from '../src/eticket/signing-key.ts';
import { signTicket, verifyTicket, type TicketClaims } from '../src/eticket/ticket-signing.ts';

const keys = loadTicketKeys({ dataDir: ':memory:' });
const claims: TicketClaims = {
  tid: '0190f5a2-7b1c-7c3e-9a1b-2c3d4e5f6a7b',
  bc: 'K7Q2M9XD',
  sid: 4211,
  seats: [90117, 90118, 90119, 90120],
  st: '2026-11-28T11:30:00.000Z',
  iat: 1_795_000_000,
};
const token = signTicket(keys.privateKey, claims);
// jsqr is CommonJS whose types only declare `default`; at runtime both forms are the function
const jsQR = jsqr.default;
// pdfjs wants its metrics for the 14 standard fonts, or it warns on every page
const standardFontDataUrl = `${dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'))}/standard_fonts/`;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

test('booking codes are 8 unambiguous symbols, spread over the whole alphabet, and do not repeat', () => {
  assert.equal(BOOKING_CODE_ALPHABET.length, 32);
  const codes = new Set<string>();
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const code = newBookingCode();
    assert.match(code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
    codes.add(code);
    for (const ch of code) seen.add(ch);
  }
  assert.equal(codes.size, 10_000);
  assert.equal(seen.size, 32, 'every symbol turns up');
  for (const ambiguous of 'ILOU') assert.ok(!seen.has(ambiguous));
  assert.equal(formatBookingCode('K7Q2M9XD'), 'K7Q2-M9XD');
});

test('typed booking codes normalise: case, spaces, dashes, O/I/L look-alikes', () => {
  assert.equal(normaliseBookingCode('k7q2-m9xd'), 'K7Q2M9XD');
  assert.equal(normaliseBookingCode('  K7Q2 M9XD \n'), 'K7Q2M9XD');
  assert.equal(normaliseBookingCode('oO1l-iIL0'), '00111110');
  assert.equal(normaliseBookingCode(formatBookingCode('ABCDEFGH')), 'ABCDEFGH');
  for (const bad of ['', 'K7Q2M9X', 'K7Q2M9XDD', 'K7Q2M9XU', 'K7Q2M9X!', 'K7Q2_M9XD']) {
    assert.equal(normaliseBookingCode(bad), null, bad);
  }
});

test('a signed ticket verifies back to its claims, with or without surrounding whitespace', () => {
  assert.match(token, /^CT1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
  assert.equal(token.split('.')[1], keys.keyId);
  assert.deepEqual(verifyTicket(keys.publicKey, token), { ok: true, claims, kid: keys.keyId });
  assert.deepEqual(verifyTicket(keys.publicKey, `\n  ${token} \r\n`), { ok: true, claims, kid: keys.keyId });
  assert.equal(signTicket(keys.privateKey, claims), token, 'Ed25519 is deterministic');
  // a verifier trusting several keys picks by kid
  const lookup = (kid: string) => (kid === keys.keyId ? keys.publicKey : undefined);
  assert.equal(verifyTicket(lookup, token).ok, true);
  assert.deepEqual(
    verifyTicket(() => undefined, token),
    { ok: false, reason: 'bad_signature' },
  );
});

test('changing any single character of the payload fails verification', () => {
  for (let i = 0; i < token.length; i++) {
    const alternatives = token[i] === '.' ? ['_', 'A', ','] : [...B64URL].filter((c) => c !== token[i]).slice(0, 4);
    alternatives.push(token[i] === 'a' ? 'b' : 'a');
    for (const c of alternatives) {
      if (c === token[i]) continue;
      const forged = token.slice(0, i) + c + token.slice(i + 1);
      const result = verifyTicket(keys.publicKey, forged);
      assert.equal(result.ok, false, `position ${i} -> ${c}`);
    }
  }
  // the last signature character carries 4 unused bits: a look-alike must not decode to the same bytes
  const sig = token.split('.')[3];
  const last = sig[sig.length - 1];
  for (const c of B64URL) {
    if (c === last) continue;
    assert.equal(verifyTicket(keys.publicKey, token.slice(0, -1) + c).ok, false, `last char ${c}`);
  }
});

test('edited claims, a swapped prefix or another key are refused with the right reason', () => {
  const [prefix, kid, body, sig] = token.split('.');
  const edited = { ...claims, seats: [...claims.seats, 90121] };
  const editedBody = Buffer.from(JSON.stringify(edited)).toString('base64url');
  assert.deepEqual(verifyTicket(keys.publicKey, [prefix, kid, editedBody, sig].join('.')), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(verifyTicket(keys.publicKey, ['CT2', kid, body, sig].join('.')), { ok: false, reason: 'unsupported_version' });
  assert.deepEqual(verifyTicket(keys.publicKey, ['XT1', kid, body, sig].join('.')), { ok: false, reason: 'malformed' });

  const other = loadTicketKeys({ dataDir: ':memory:' });
  const foreign = signTicket(other.privateKey, claims);
  assert.deepEqual(verifyTicket(keys.publicKey, foreign), { ok: false, reason: 'bad_signature' });
  // their signature under our kid still fails
  const [, , , foreignSig] = foreign.split('.');
  assert.deepEqual(verifyTicket(keys.publicKey, [prefix, kid, body, foreignSig].join('.')), { ok: false, reason: 'bad_signature' });
  // a key of the wrong kind does not throw
  const x25519 = generateKeyPairSync('x25519').publicKey;
  assert.deepEqual(verifyTicket(x25519, token), { ok: false, reason: 'bad_signature' });
});

test('malformed payloads are told apart from forgeries', () => {
  const [prefix, kid, body, sig] = token.split('.');
  const malformed = [
    '',
    '   ',
    'CT1',
    'CT1...',
    'hello world',
    token.replace(/\./g, ''),
    `${token}.x`,
    [prefix, kid, body].join('.'),
    [prefix, 'ABCDEF12', body, sig].join('.'),
    [prefix, kid, body, sig.slice(0, 40)].join('.'),
    [prefix, kid, `${body}=`, sig].join('.'),
    [prefix, kid, body, `${sig}==`].join('.'),
    `${prefix}.${kid}.${body}.${sig} trailing`,
  ];
  for (const bad of malformed) assert.deepEqual(verifyTicket(keys.publicKey, bad), { ok: false, reason: 'malformed' }, bad);
  assert.deepEqual(verifyTicket(keys.publicKey, undefined as unknown as string), { ok: false, reason: 'malformed' });
  // validly signed, but not claims we understand
  for (const json of ['not json', '[]', '{"tid":"x","bc":"y","sid":"1","seats":[],"st":"z","iat":1}']) {
    const b = Buffer.from(json).toString('base64url');
    const s = sign(null, Buffer.from(`CT1.${keys.keyId}.${b}`), keys.privateKey).toString('base64url');
    assert.deepEqual(verifyTicket(keys.publicKey, `CT1.${keys.keyId}.${b}.${s}`), { ok: false, reason: 'malformed' }, json);
  }
});

test('the signing key loads from a PEM, from base64 DER, or from the data folder', () => {
  const pem = newTicketKeyPem();
  const fromPem = loadTicketKeys({ envValue: pem, dataDir: '/nonexistent' });
  const expectedId = ticketKeyId(createPrivateKey(pem));
  assert.equal(fromPem.keyId, expectedId);
  assert.match(fromPem.keyId, /^[0-9a-f]{8}$/);
  assert.equal(loadTicketKeys({ envValue: pem.replace(/\n/g, '\\n'), dataDir: ':memory:' }).keyId, expectedId, 'one-line PEM');

  const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' }).toString('base64');
  const fromDer = loadTicketKeys({ envValue: der, dataDir: ':memory:' });
  assert.equal(fromDer.keyId, expectedId);
  assert.equal(verifyTicket(fromDer.publicKey, signTicket(fromPem.privateKey, claims)).ok, true);

  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  for (const bad of ['not a key', 'AAAA', rsa]) {
    assert.throws(() => loadTicketKeys({ envValue: bad, dataDir: ':memory:' }), TicketKeyError);
  }
  assert.throws(() => loadTicketKeys({ dataDir: ':memory:', embedded: false }), ConfigError);
  assert.equal(loadTicketKeys({ envValue: pem, dataDir: ':memory:', embedded: false }).keyId, expectedId);
});

test('embedded mode creates the key file once (mode 0600) and reads the same key back', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'eticket-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'nested', 'data');
  const first = loadTicketKeys({ dataDir });
  const file = join(dataDir, 'ticket-signing-key.pem');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(readFileSync(file, 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
  const again = loadTicketKeys({ dataDir });
  assert.equal(again.keyId, first.keyId);
  assert.equal(verifyTicket(again.publicKey, signTicket(first.privateKey, claims)).ok, true);
  // the env variable wins over the file
  assert.notEqual(loadTicketKeys({ dataDir, envValue: newTicketKeyPem() }).keyId, first.keyId);
  // ':memory:' makes a new key each time and writes nothing
  assert.notEqual(loadTicketKeys({ dataDir: ':memory:' }).keyId, loadTicketKeys({ dataDir: ':memory:' }).keyId);
});

test('the QR PNG scans back to exactly the signed payload', async () => {
  const png = await qrPng(token);
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  assert.ok(found, 'QR decodes');
  assert.equal(found.data, token);
  const small = PNG.sync.read(await qrPng(token, { scale: 2 }));
  assert.ok(small.width < image.width);
  assert.match(await qrSvg(token), /^<svg[\s\S]*<\/svg>\s*$/);
});

const view: TicketPdfView = {
  ticketId: claims.tid,
  bookingCode: claims.bc,
  qrPayload: token,
  movieTitle: 'The Long Road Home',
  rating: '13+',
  durationMinutes: 128,
  theaterName: 'Cinema Panakkukang',
  theaterAddress: 'Jl. Boulevard No. 1, Makassar',
  hallName: 'Studio 3',
  timeZone: 'Asia/Makassar',
  showTime: '2026-11-28T11:30:00Z',
  seats: [
    { label: 'E7', type: 'Regular', priceMinor: 8_500_000 },
    { label: 'E8', type: 'Regular', priceMinor: 8_500_000 },
    { label: 'E9', type: 'Regular', priceMinor: 8_500_000 },
    { label: 'E10', type: 'Sweetbox', priceMinor: 12_000_000 },
  ],
  feeMinor: 500_000,
  totalMinor: 38_000_000,
  currency: 'IDR',
  purchasedAt: new Date('2026-11-20T03:04:05Z'),
  customerName: 'Budi Santoso',
};

async function readPdf(bytes: Uint8Array) {
  const doc = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true, standardFontDataUrl }).promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((item) => ('str' in item ? item.str : '')).join('\n');
  const ops = await page.getOperatorList();
  const info = (await doc.getMetadata()).info as Record<string, unknown>;
  const qr = await scanFirstImage(page, ops);
  const pages = doc.numPages;
  await doc.destroy();
  return { text, ops: ops.fnArray, info, pages, qr };
}

type PdfPage = Awaited<ReturnType<Awaited<ReturnType<typeof getDocument>['promise']>['getPage']>>;

/** The decoded pixels of the first painted image (pdfjs hands out RGB or RGBA), read as a QR code. */
async function scanFirstImage(page: PdfPage, ops: { fnArray: number[]; argsArray: unknown[][] }): Promise<string | null> {
  const at = ops.fnArray.indexOf(OPS.paintImageXObject);
  if (at < 0) return null;
  const name = ops.argsArray[at][0] as string;
  const img = await new Promise<{ width: number; height: number; data: Uint8ClampedArray }>((resolve) => page.objs.get(name, resolve));
  const channels = img.data.length / (img.width * img.height);
  const rgba = new Uint8ClampedArray(img.width * img.height * 4);
  for (let p = 0; p < img.width * img.height; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = img.data[p * channels + (channels === 1 ? 0 : c)];
    rgba[p * 4 + 3] = 255;
  }
  return jsQR(rgba, img.width, img.height)?.data ?? null;
}

test('the PDF ticket shows the show in the theater zone, the seats, the money and the code', async () => {
  const bytes = await renderTicketPdf(view);
  assert.equal(Buffer.from(bytes.subarray(0, 5)).toString(), '%PDF-');
  const { text, ops, info, pages, qr } = await readPdf(bytes);
  assert.equal(pages, 1);
  assert.equal(qr, token, 'the QR printed on the ticket scans to the signed payload');
  for (const expected of [
    'The Long Road Home',
    '13+',
    '2 h 8 min',
    'Cinema Panakkukang',
    'Jl. Boulevard No. 1, Makassar',
    'Studio 3',
    'Saturday 28 November 2026, 19:30 WITA',
    'E7',
    'E8',
    'E9',
    'E10',
    '3 × Regular @ Rp 85.000',
    'Rp 255.000',
    'Rp 120.000',
    'Booking fee',
    'Rp 5.000',
    'Rp 380.000',
    'K7Q2-M9XD',
    claims.tid,
    'Budi Santoso',
    'Friday 20 November 2026, 11:04 WITA',
    'Show this QR code at the entrance',
  ]) {
    assert.ok(text.includes(expected), `missing ${expected} in:\n${text}`);
  }
  assert.ok(ops.includes(OPS.paintImageXObject), 'the QR image is painted');
  assert.equal(info.Title, 'E-ticket K7Q2-M9XD');
  assert.equal(info.Creator, 'Cinema Ticket API');
  assert.deepEqual(await renderTicketPdf(view), bytes, 'same view, same bytes');
});

test('in Bahasa Indonesia: its own words, Indonesian dates, seat types named', async () => {
  const id = await readPdf(await renderTicketPdf({ ...view, locale: 'id', seats: view.seats.map((s) => ({ ...s, type: 'regular' })) }));
  for (const expected of [
    'E-TIKET',
    'WAKTU',
    'Sabtu, 28 November 2026, 19.30 WITA',
    '3 × Reguler @ Rp 85.000',
    'Biaya pemesanan',
    'Total dibayar',
    'KODE PEMESANAN',
    'Jumat, 20 November 2026, 11.04 WITA',
    'Tunjukkan kode QR ini di pintu masuk',
    '2 j 8 mnt',
  ]) {
    assert.ok(id.text.includes(expected), `missing ${expected} in:\n${id.text}`);
  }
  assert.ok(!id.text.includes('Booking fee') && !id.text.includes('Saturday'), id.text);
  assert.equal(formatShowTime(new Date('2026-12-05T13:00:00Z'), 'Asia/Jakarta', 'id'), 'Sabtu, 5 Desember 2026, 20.00 WIB');
});

test('a Jakarta show prints in WIB', async () => {
  const { text } = await readPdf(await renderTicketPdf({ ...view, timeZone: 'Asia/Jakarta', showTime: new Date('2026-12-05T13:00:00Z') }));
  assert.ok(text.includes('Saturday 5 December 2026, 20:00 WIB'), text);
});

test('titles Helvetica cannot print become ? marks instead of failing; several tickets make several pages', async () => {
  const odd: TicketPdfView = {
    ...view,
    movieTitle: '千と千尋の神隠し 🎬 Spirited Away — Ősz\n2',
    theaterName: 'Кинотеатр',
    customerName: '李 Zoë 👩‍👩‍👧',
    rating: null,
    durationMinutes: null,
    theaterAddress: null,
    purchasedAt: null,
    seats: Array.from({ length: 20 }, (_, i) => ({ label: `Row ${i + 1}`, type: 'VIP 🎟', priceMinor: 10_000_050 })),
  };
  const { text } = await readPdf(await renderTicketPdf(odd));
  assert.ok(text.includes('Spirited Away — Osz 2'), text);
  assert.ok(text.includes('????????'), text);
  assert.ok(text.includes('Row 20'), text);
  assert.ok(text.includes('Rp 100.000,50'), text);
  const both = await readPdf(await renderTicketPdf([view, { ...view, bookingCode: 'ABCDEFGH' }]));
  assert.equal(both.pages, 2);
});

test('money and show times format for people', () => {
  assert.equal(formatMoney(8_500_000, 'IDR'), 'Rp 85.000');
  assert.equal(formatMoney(123_456_789_00, 'IDR'), 'Rp 123.456.789');
  assert.equal(formatMoney(8_500_050, 'IDR'), 'Rp 85.000,50');
  assert.equal(formatMoney(0, 'IDR'), 'Rp 0');
  assert.equal(formatMoney(-500_000, 'IDR'), '-Rp 5.000');
  assert.equal(formatMoney(123_456, 'USD'), 'USD 1,234.56');
  const at = new Date('2026-11-28T11:30:00Z');
  assert.equal(formatShowTime(at, 'Asia/Makassar'), 'Saturday 28 November 2026, 19:30 WITA');
  assert.equal(formatShowTime(at, 'Asia/Jayapura'), 'Saturday 28 November 2026, 20:30 WIT');
  assert.equal(formatShowTime(at, 'America/New_York'), 'Saturday 28 November 2026, 06:30 EST');
  assert.equal(formatShowTime(at, 'Asia/Kathmandu'), 'Saturday 28 November 2026, 17:15 UTC+05:45');
  assert.equal(formatShowTime(at, 'Not/AZone'), 'Saturday 28 November 2026, 11:30 UTC');
});
