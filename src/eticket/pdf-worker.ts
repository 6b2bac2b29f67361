// The worker thread of pdf-thread.ts: renders e-ticket PDFs it is sent, one message at a time.
import { parentPort } from 'node:worker_threads';
import { renderTicketPdf, type TicketPdfView } from './pdf.ts';

parentPort?.on('message', async (m: { id: number; view: TicketPdfView }) => {
  try {
    const bytes = await renderTicketPdf(m.view);
    parentPort?.postMessage({ id: m.id, bytes }, [bytes.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort?.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
