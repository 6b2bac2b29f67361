// A background job on a timer: `work` every `ms`, never two runs of it at once in this process (a
// slow run makes the next tick wait for the one after), errors to `onError`. Each run has its own id
// (lib/request-context.ts), on its log lines and on the messages it queues. The timer does not keep
// the process alive; stop() clears it and waits for a run in progress.
import { runForJob } from '../lib/request-context.ts';

export function every(name: string, ms: number, work: () => Promise<unknown>, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= runForJob(name, () => work().then(() => undefined, onError)).finally(() => {
      running = null;
    });
  };
  const timer = setInterval(tick, ms);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
