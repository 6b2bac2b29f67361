// E-ticket PDFs rendered on a worker thread (eticket/pdf-thread.ts) are the same documents as those
// rendered in process; the thread restarts after it is gone; concurrent renders each get their own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTicketPdf, type TicketPdfView } from '../src/eticket/pdf.ts';
import { startPdfThread } from '../src/eticket/pdf-thread.ts';

const view = (code: string): TicketPdfView => ({
  ticketId: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  bookingCode: code,
  qrPayload: `CT1.abcdef12.${'x'.repeat(200)}.${code}`,
  movieTitle: 'Dune: Part Two',
  rating: '13+',
  durationMinutes: 166,
  theaterName: 'Cinema XXI Grand Indonesia',
  theaterAddress: 'Jl. M.H. Thamrin No. 1',
  hallName: 'Hall 1',
  timeZone: 'Asia/Jakarta',
  showTime: new Date('2026-11-28T12:30:00Z'),
  seats: [
    { label: 'E7', type: 'regular', priceMinor: 8_500_000 },
    { label: 'E8', type: 'regular', priceMinor: 8_500_000 },
  ],
  totalMinor: 17_000_000,
  feeMinor: 119_000,
  currency: 'IDR',
  purchasedAt: new Date('2026-11-27T06:00:00Z'),
  customerName: 'Dewi',
});

test('the thread renders the same bytes as the process, for concurrent renders, and comes back after close', async () => {
  const pdf = startPdfThread();
  try {
    const codes = ['K7Q2M9XD', 'A1B2C3D4', 'ZZZZ9999'];
    const [threaded, inline] = await Promise.all([
      Promise.all(codes.map((c) => pdf.render(view(c)))),
      Promise.all(codes.map((c) => renderTicketPdf(view(c)))),
    ]);
    for (let i = 0; i < codes.length; i++) {
      assert.equal(Buffer.from(threaded[i]).subarray(0, 5).toString(), '%PDF-');
      assert.deepEqual(Buffer.from(threaded[i]), Buffer.from(inline[i]), `ticket ${codes[i]}`);
    }
    assert.notDeepEqual(Buffer.from(threaded[0]), Buffer.from(threaded[1]));
    await pdf.close();
    const again = await pdf.render(view('K7Q2M9XD'));
    assert.deepEqual(Buffer.from(again), Buffer.from(inline[0]), 'a new thread after close');
  } finally {
    await pdf.close();
  }
});
