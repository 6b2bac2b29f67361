// Runs the real server as a child process (what `npm start` runs), for start-up, restart and
// shutdown tests. Only processes started here are ever signalled.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export { freePort } from '../../ops/lib/free-port.ts';

export interface Server {
  proc: ChildProcess;
  port: number;
  base: string;
  output(): string;
  exited: Promise<number | null>;
}

export function startServer(env: Record<string, string>, port: number): Server {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d) => (out += d));
  proc.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, port, base: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Polls url until it answers 200; returns the milliseconds waited. */
export async function waitFor(url: string, timeoutMs: number, init?: RequestInit): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    try {
      const r = await fetch(url, init);
      if (r.status === 200) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > timeoutMs) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
