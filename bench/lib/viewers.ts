// WebSocket viewers of a screening's live seat map, in a child process of the benchmark
// (viewers-child.ts, loopback, bounded): connect them all before the load, then measure how late the
// deltas reached them, then close every socket and let the child exit.
import { HOST, log } from './common.ts';
import { type Child, exitOf, start, stop } from './processes.ts';
import type { Latency } from './stats.ts';

export interface ViewerStats {
  viewers: number;
  still_open: number;
  reached_final_version: number;
  waited_ms: number;
  close_codes: Record<string, number>;
  delta_messages: number;
  version_gaps: number;
  seat_deliveries_missing: number;
  /** (time a viewer got a delta with the seat held) - (time the load client got the 201 for it) */
  delta_latency_ms: Latency;
}

/** Sends msg to the child and waits for its `answer`; fails on timeout or if the child exits first. */
function ask<T>(child: Child, msg: unknown, answer: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.proc.off('message', onMessage);
      child.proc.off('exit', onExit);
    };
    const timer = setTimeout(() => (done(), reject(new Error(`viewers: no ${answer} within ${timeoutMs} ms:\n${child.output()}`))), timeoutMs);
    const onExit = (code: number | null) => (done(), reject(new Error(`viewers: child exited (${code}) before ${answer}:\n${child.output()}`)));
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== answer) return;
      done();
      resolve(m as T);
    };
    child.proc.on('message', onMessage);
    child.proc.once('exit', onExit);
    child.proc.send(msg as object);
  });
}

export async function startViewers(base: string, screeningId: number, tokens: string[], seatIds: number[], concurrency = 50) {
  const child = start('viewers', ['--import', 'tsx', 'bench/lib/viewers-child.ts'], { ...process.env, HOST }, process.execPath, true);
  const url = `${base.replace(/^http/, 'ws')}/api/v1/screenings/${screeningId}/live`;
  log(`viewers: connecting ${tokens.length} WebSockets to ${new URL(url).pathname} (child process ${child.proc.pid}, ${concurrency} at a time)`);
  const c = await ask<{ connected: number; failed: number; ms: number }>(
    child,
    { type: 'start', url, tokens, seatIds, concurrency },
    'connected',
    180_000,
  );
  log(`viewers: ${c.connected} connected with their snapshot, ${c.failed} failed, in ${c.ms} ms`);
  return {
    connected: c.connected,
    failed: c.failed,
    connectMs: c.ms,
    /** waits (up to waitMs) for the viewers to reach `version`, then measures against the 201 times */
    finish: (version: number, granted: [number, number][], waitMs = 5_000) =>
      ask<ViewerStats & { type?: string }>(child, { type: 'finish', version, granted, waitMs }, 'result', waitMs + 60_000).then(
        ({ type: _, ...s }) => s,
      ),
    async close() {
      child.proc.send({ type: 'close' });
      const timer = setTimeout(() => void stop(child), 10_000);
      await exitOf(child);
      clearTimeout(timer);
      log('viewers: closed, child exited');
    },
  };
}
