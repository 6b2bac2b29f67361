// Natural batching, no timer: while fewer than `concurrency` batches are in flight an item leaves at
// once (a batch of one: no added latency when it is quiet); when they are all busy, items wait and the
// next free slot takes all of them (up to `maxBatch`). Used where many requests each make the same
// statement: holds taken (inventory/take-batcher.ts), Idempotency-Key answers recorded
// (http/idempotency-completions.ts). `send` settles each item of its batch itself and never throws.
export function batchQueue<T>(opts: { concurrency: number; maxBatch: number }, send: (batch: T[]) => Promise<void>): (item: T) => void {
  const queue: T[] = [];
  let inFlight = 0;
  function pump() {
    while (inFlight < opts.concurrency && queue.length > 0) {
      const batch = queue.splice(0, opts.maxBatch);
      inFlight++;
      void send(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  }
  return (item) => {
    queue.push(item);
    pump();
  };
}

/**
 * fn over every item, at most `concurrency` at a time: a batch made again item by item (after
 * PostgreSQL refused it for one of its rows) must not take more connections than the batches did.
 */
export async function inTurns<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
