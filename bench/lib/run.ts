// Runs a benchmark's main() and always cleans up after it, also on failure or Ctrl-C: stops the
// processes it started (by pid), drops the databases it created, then runs its own cleanups
// (onCleanup, e.g. deleting its Redis keys).
import { warn } from './common.ts';
import { dropAll } from './database.ts';
import { stopAll } from './processes.ts';

const cleanups: (() => Promise<unknown>)[] = [];

/** Runs fn at the end (after the children stopped), also on failure or Ctrl-C; once. */
export const onCleanup = (fn: () => Promise<unknown>) => void cleanups.push(fn);

async function cleanup() {
  await stopAll();
  await dropAll();
  for (const fn of cleanups.splice(0)) await fn().catch((err: Error) => warn(`cleanup failed: ${err.message}`));
}

export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (interrupted) return;
      interrupted = true;
      warn(`${sig}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    await main();
  } catch (err) {
    warn(`failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}
