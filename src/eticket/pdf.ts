// The printable e-ticket: one A5 page per ticket, what the customer needs at the door and what staff
// need at the counter, with the signed QR code and the booking code as its fallback.
// Only the built-in Helvetica is used (no font files to ship), which encodes WinAnsi alone: every
// string passes through clean(), so a Japanese title prints as '?' marks instead of failing the
// whole order. The page grows taller rather than clipping when a title or seat list runs long.
// No clock is read: the same view gives the same bytes, so a re-sent ticket is the same file.
import { PageSizes, PDFDocument, rgb, StandardFonts, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import { type Locale, localeOf } from '../lib/locale.ts';
import { minorToDecimal } from '../lib/money.ts';
import { formatBookingCode } from './booking-code.ts';
import { qrPng } from './qr.ts';
import { TICKET_WORDS, type TicketWords } from './words.ts';

export interface TicketPdfView {
  ticketId: string;
  bookingCode: string;
  /** the signed payload from signTicket() */
  qrPayload: string;
  movieTitle: string;
  rating?: string | null;
  durationMinutes?: number | null;
  theaterName: string;
  theaterAddress?: string | null;
  hallName: string;
  /** IANA zone of the theater: times print as the clock on the cinema wall */
  timeZone: string;
  showTime: Date | string;
  /** the seats that admit */
  seats: { label: string; type: string; priceMinor: number }[];
  /** seats paid for and refunded since (a partial refund): listed on the receipt, marked */
  refundedSeats?: { label: string; type: string; priceMinor: number }[];
  /** the tickets' price, every seat paid for (the receipt's subtotal) */
  totalMinor: number;
  /** the booking fee paid on top: the customer paid totalMinor + feeMinor */
  feeMinor: number;
  /** what was refunded so far, fees included */
  refundedMinor?: number;
  currency: string;
  purchasedAt?: Date | string | null;
  customerName?: string | null;
  /** the brand line at the top; defaults to 'CINEMA' */
  brand?: string | null;
  /** the language of the ticket's own words and dates (default English) */
  locale?: Locale;
}

const [WIDTH, MIN_HEIGHT] = PageSizes.A5;
const MARGIN = 32;
const CONTENT = WIDTH - 2 * MARGIN;
const QR_SIZE = 150;
/** the tear-off part at the bottom: QR, booking code, references, note */
const STUB_HEIGHT = QR_SIZE + 100;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.42, 0.42, 0.46);
const BAND = rgb(0.11, 0.13, 0.2);
const WHITE = rgb(1, 1, 1);

/** One page per view, in one document. */
export async function renderTicketPdf(view: TicketPdfView | TicketPdfView[]): Promise<Uint8Array> {
  const views = Array.isArray(view) ? view : [view];
  const doc = await PDFDocument.create({ updateMetadata: false });
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const fonts: Fonts = { regular, bold: await doc.embedFont(StandardFonts.HelveticaBold), chars: new Set(regular.getCharacterSet()) };
  for (const v of views) {
    // two pixels per module, drawn at QR_SIZE: module edges stay exact (PDF images are not
    // interpolated unless they ask to be) and the PNG costs ~3 ms instead of ~15 ms at scale 6
    const qr = await doc.embedPng(await qrPng(v.qrPayload, { scale: 2 }));
    const height = Math.max(MIN_HEIGHT, layout(null, 0, v, fonts) + STUB_HEIGHT);
    const page = doc.addPage([WIDTH, height]);
    layout(page, height, v, fonts);
    drawStub(page, STUB_HEIGHT, v, fonts, qr);
  }
  const first = views[0];
  const code = first ? formatBookingCode(first.bookingCode) : '';
  doc.setTitle(`E-ticket ${code}`.trim());
  doc.setSubject(first ? `${first.movieTitle} - ${first.theaterName}` : 'E-ticket');
  doc.setCreator('Cinema Ticket API');
  doc.setProducer('pdf-lib');
  const purchased = first ? toDate(first.purchasedAt) : null;
  if (purchased) {
    doc.setCreationDate(purchased);
    doc.setModificationDate(purchased);
  }
  return doc.save();
}

/** 8500000, 'IDR' -> 'Rp 85.000' (sen are never shown when zero); others -> 'USD 1,234.50'. */
export function formatMoney(minor: number, currency: string): string {
  const safe = Number.isSafeInteger(minor) ? minor : Number.isFinite(minor) ? Math.round(minor) : 0;
  const [whole, frac] = minorToDecimal(Math.abs(safe)).split('.');
  const sign = safe < 0 ? '-' : '';
  if (currency === 'IDR') return `${sign}Rp ${group(whole, '.')}${frac === '00' ? '' : `,${frac}`}`;
  return `${sign}${currency} ${group(whole, ',')}.${frac}`;
}

/**
 * 2026-11-28T11:30Z, 'Asia/Makassar' -> 'Saturday 28 November 2026, 19:30 WITA'. An unknown zone
 * prints in UTC rather than failing: a ticket with a labelled time beats no ticket.
 */
export function formatShowTime(at: Date, timeZone: string, locale: Locale = 'en'): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const parts = formatter(
    `show|${zone}|${locale}`,
    () =>
      new Intl.DateTimeFormat(locale === 'id' ? 'id-ID' : 'en-GB', {
        timeZone: zone,
        weekday: 'long',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  ).formatToParts(at);
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  // Indonesian writes 'Sabtu, 28 November 2026, 19.30 WITA'
  if (locale === 'id') return `${p('weekday')}, ${p('day')} ${p('month')} ${p('year')}, ${p('hour')}.${p('minute')} ${zoneLabel(at, zone)}`;
  return `${p('weekday')} ${p('day')} ${p('month')} ${p('year')}, ${p('hour')}:${p('minute')} ${zoneLabel(at, zone)}`;
}

// Intl names a zone's abbreviation only in locales where it is in common use (WITA in id-ID, EST in
// en-US, IST in en-IN), so try a few; when none has one, the offset is unambiguous: 'UTC+08:00'.
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN', 'en-SG', 'id-ID'];

function zoneLabel(at: Date, timeZone: string): string {
  for (const locale of ABBREVIATION_LOCALES) {
    const name = zoneName(at, timeZone, locale, 'short');
    if (/^[A-Z]{2,5}$/.test(name)) return name;
  }
  const offset = zoneName(at, timeZone, 'en-US', 'longOffset');
  return offset === 'GMT' ? 'UTC+00:00' : offset.replace('GMT', 'UTC');
}

// Building an Intl.DateTimeFormat costs far more than using one (a benchmark of checkout spent
// seconds here rendering e-tickets); a few zones and locales are ever asked for, so keep them.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    if (formatters.size < 1_000) formatters.set(key, f);
  }
  return f;
}

function zoneName(at: Date, timeZone: string, locale: string, style: 'short' | 'longOffset'): string {
  const parts = formatter(
    `zone|${timeZone}|${locale}|${style}`,
    () => new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: style }),
  ).formatToParts(at);
  return parts.find((x) => x.type === 'timeZoneName')?.value ?? '';
}

function isTimeZone(zone: string): boolean {
  try {
    formatter(`zone|${zone}|en-US|short`, () => new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }));
    return true;
  } catch {
    return false;
  }
}

function group(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function when(value: Date | string | null | undefined, timeZone: string, locale: Locale): string {
  const d = toDate(value);
  return d ? formatShowTime(d, timeZone, locale) : String(value ?? '');
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  /** code points Helvetica can encode (WinAnsi) */
  chars: Set<number>;
}

// Marks and format characters (emoji joiners, variation selectors) vanish; a letter WinAnsi lacks
// becomes its base letter when it has one (o with double acute -> o), otherwise '?'.
function clean(text: unknown, fonts: Fonts): string {
  const source = String(text ?? '')
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/[\p{Mn}\p{Me}\p{Cf}]/gu, '');
  let out = '';
  for (const ch of source) {
    if (fonts.chars.has(ch.codePointAt(0)!)) out += ch;
    else {
      const base = ch.normalize('NFKD')[0] ?? '';
      out += base && fonts.chars.has(base.codePointAt(0)!) ? base : '?';
    }
  }
  return out.trim();
}

/** Greedy word wrap; words wider than the line are cut; the last allowed line ends with an ellipsis. */
function wrap(text: string, font: PDFFont, size: number, width: number, maxLines: number, gap = ' '): string[] {
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(gap).filter(Boolean)) {
    const candidate = line ? `${line}${gap}${word}` : word;
    if (fits(candidate)) line = candidate;
    else {
      if (line) lines.push(line);
      line = word;
      while (!fits(line) && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && !fits(line.slice(0, cut))) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  let last = kept[maxLines - 1];
  while (last.length > 0 && !fits(`${last}…`)) last = last.slice(0, -1);
  kept[maxLines - 1] = `${last.trimEnd()}…`;
  return kept;
}

/**
 * Draws (or, with page null, only measures) everything above the tear line; returns the height used
 * from the top. Measuring and drawing share this code so the page height cannot disagree with it.
 */
function layout(page: PDFPage | null, top: number, v: TicketPdfView, fonts: Fonts): number {
  const w = TICKET_WORDS[localeOf(v.locale)];
  let y = top;
  const text = (s: string, font: PDFFont, size: number, opts: { color?: typeof INK; right?: string } = {}) => {
    y -= size * 1.3;
    if (!page) return;
    const color = opts.color ?? INK;
    const right = clean(opts.right ?? '', fonts);
    const rightWidth = right ? font.widthOfTextAtSize(right, size) : 0;
    // a long left part is cut short rather than drawn under the amount
    const [left = ''] = wrap(clean(s, fonts), font, size, CONTENT - (right ? rightWidth + 12 : 0), 1, '\u0000');
    page.drawText(left, { x: MARGIN, y: y + size * 0.25, size, font, color });
    if (right) page.drawText(right, { x: WIDTH - MARGIN - rightWidth, y: y + size * 0.25, size, font, color });
  };
  const para = (s: string, font: PDFFont, size: number, maxLines: number, color = INK, gap = ' ') => {
    for (const line of wrap(clean(s, fonts), font, size, CONTENT, maxLines, gap)) text(line, font, size, { color });
  };
  const label = (s: string) => {
    y -= 10;
    text(s, fonts.bold, 7.5, { color: MUTED });
  };

  page?.drawRectangle({ x: 0, y: top - 44, width: WIDTH, height: 44, color: BAND });
  y -= 14;
  text(`${v.brand || 'CINEMA'}  ·  ${w.eTicket}`, fonts.bold, 11, { color: WHITE });
  y = top - 44 - 14;
  para(v.movieTitle, fonts.bold, 20, 3);
  const meta = [v.rating ? clean(v.rating, fonts) : '', duration(v.durationMinutes, w)].filter(Boolean).join('  ·  ');
  if (meta) {
    y -= 3;
    text(meta, fonts.regular, 10, { color: MUTED });
  }

  label(w.when);
  para(when(v.showTime, v.timeZone, localeOf(v.locale)), fonts.bold, 12, 2);
  label(w.where);
  para(v.theaterName, fonts.bold, 11, 2);
  if (v.theaterAddress) para(v.theaterAddress, fonts.regular, 9, 3, MUTED);
  para(v.hallName, fonts.regular, 11, 1);

  label(w.seats);
  // two spaces part the labels, so a label like 'Row A 5' never wraps across lines
  para(v.seats.map((s) => clean(s.label, fonts)).join('  '), fonts.bold, 16, 6, INK, '  ');
  y -= 4;
  // the receipt: what the customer paid, the same sum as the e-mail's "Paid" and the payment's amount
  // (the tickets alone under "Total" read as if the fee had not been charged)
  const money = (minor: number) => formatMoney(minor, v.currency);
  const seatLines = (seats: TicketPdfView['seats'], note: string) => {
    for (const g of priceGroups(seats)) {
      text(`${g.count} × ${w.seatTypes[g.type] ?? g.type} @ ${money(g.priceMinor)}${note}`, fonts.regular, 10, {
        right: money(g.count * g.priceMinor),
      });
    }
  };
  seatLines(v.seats, '');
  seatLines(v.refundedSeats ?? [], w.refunded);
  if (v.feeMinor) {
    text(w.subtotal, fonts.regular, 10, { right: money(v.totalMinor) });
    text(w.bookingFee, fonts.regular, 10, { right: money(v.feeMinor) });
  }
  y -= 4;
  page?.drawLine({ start: { x: MARGIN, y }, end: { x: WIDTH - MARGIN, y }, thickness: 0.6, color: MUTED });
  text(w.totalPaid, fonts.bold, 13, { right: money(v.totalMinor + v.feeMinor) });
  if (v.refundedMinor) text(w.refundedTotal, fonts.regular, 10, { color: MUTED, right: `-${money(v.refundedMinor)}` });
  return top - y + 14;
}

/** Below the tear line: QR on the left, booking code and references on the right, the note under. */
function drawStub(page: PDFPage, top: number, v: TicketPdfView, fonts: Fonts, qr: PDFImage) {
  const w = TICKET_WORDS[localeOf(v.locale)];
  page.drawLine({ start: { x: MARGIN, y: top }, end: { x: WIDTH - MARGIN, y: top }, thickness: 0.8, color: MUTED, dashArray: [4, 3] });
  const qrTop = top - 14;
  page.drawImage(qr, { x: MARGIN - 8, y: qrTop - QR_SIZE, width: QR_SIZE, height: QR_SIZE });
  const x = MARGIN + QR_SIZE + 4;
  const width = WIDTH - MARGIN - x;
  let y = qrTop - 6;
  const line = (s: string, font: PDFFont, size: number, color = INK) => {
    for (const part of wrap(clean(s, fonts), font, size, width, 2)) {
      y -= size * 1.3;
      page.drawText(part, { x, y: y + size * 0.25, size, font, color });
    }
  };
  line(w.bookingCode, fonts.bold, 7.5, MUTED);
  line(formatBookingCode(v.bookingCode), fonts.bold, 26);
  y -= 8;
  line(w.ticketId, fonts.bold, 7.5, MUTED);
  line(v.ticketId, fonts.regular, 7.5);
  if (toDate(v.purchasedAt)) {
    y -= 6;
    line(w.purchased, fonts.bold, 7.5, MUTED);
    line(when(v.purchasedAt, v.timeZone, localeOf(v.locale)), fonts.regular, 8);
  }
  if (v.customerName) {
    y -= 6;
    line(w.name, fonts.bold, 7.5, MUTED);
    line(v.customerName, fonts.regular, 9);
  }
  const note = w.showAtEntrance;
  const noteY = Math.min(qrTop - QR_SIZE, y) - 22;
  page.drawText(note, { x: (WIDTH - fonts.regular.widthOfTextAtSize(note, 10)) / 2, y: noteY, size: 10, font: fonts.regular, color: INK });
}

function duration(minutes: number | null | undefined, w: TicketWords): string {
  if (!minutes || !Number.isFinite(minutes) || minutes <= 0) return '';
  const m = Math.round(minutes);
  return w.duration(Math.floor(m / 60), m % 60);
}

/** Seats of one type at one price share a line: '2 × Regular @ Rp 85.000'. */
function priceGroups(seats: TicketPdfView['seats']) {
  const groups = new Map<string, { type: string; priceMinor: number; count: number }>();
  for (const s of seats) {
    const key = `${s.type}\u0000${s.priceMinor}`;
    const g = groups.get(key) ?? { type: s.type, priceMinor: s.priceMinor, count: 0 };
    g.count += 1;
    groups.set(key, g);
  }
  return [...groups.values()];
}
