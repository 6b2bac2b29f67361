// A background job on a timer: `work` every `ms`, never two runs of it at once in this process (a
// slow run makes the next tick wait for the one after), errors to `onError`. The timer does not keep
// the process alive; stop() clears it and waits for a run in progress.
export function every(ms: number, work: () => Promise<unknown>, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= work()
      .then(() => undefined, onError)
      .finally(() => {
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
