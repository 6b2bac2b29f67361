// E-ticket PDFs rendered on a worker thread. Each costs ~9 ms of CPU; the outbox worker renders one per
// e-mail in the same event loop that answers requests, and the checkout benchmark found it taking
// half the API's time under load. One thread, started on first use, unref'd (it never keeps the
// process alive), restarted on the next render if it dies; a render it did not finish rejects (the
// outbox retries the message).
import { Worker } from 'node:worker_threads';
import type { TicketPdfView } from './pdf.ts';

export interface PdfThread {
  render(view: TicketPdfView): Promise<Uint8Array>;
  close(): Promise<void>;
}

// Beside this file: pdf-worker.js once built (dist/); under tsx (tests, npm start) pdf-worker.ts, which
// a worker thread can load only after registering tsx's loader in that thread itself.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './pdf-worker.ts' : './pdf-worker.js', import.meta.url);

function newWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true });
}

export function startPdfThread(): PdfThread {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  function ensure(): Worker {
    if (worker) return worker;
    const w = newWorker();
    w.unref();
    w.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.bytes) p.resolve(m.bytes);
      else p.reject(new Error(`PDF rendering failed: ${m.error}`));
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`PDF thread exited (${code})`));
    });
    worker = w;
    return w;
  }

  return {
    render(view) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        ensure().postMessage({ id, view });
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
      failAll(new Error('PDF thread closed'));
    },
  };
}
