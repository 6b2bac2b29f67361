// A private redis-server for tests that stop Redis halfway: the machine's own Redis is never touched.
import { spawn } from 'node:child_process';
import { freePort } from './process.ts';

/** Starts redis-server on a free port (or the given one, to bring a killed one back). */
export async function startRedis(atPort?: number) {
  const port = atPort ?? (await freePort());
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}/0`;
  // wait until it accepts connections
  const { Redis } = await import('ioredis');
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  for (let i = 0; ; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      if (i > 50) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  probe.disconnect();
  return {
    url,
    port,
    /** SIGSTOP: Redis still accepts connections but answers nothing (a hung or overloaded server) */
    pause: () => void proc.kill('SIGSTOP'),
    /** SIGCONT: it answers again */
    resume: () => void proc.kill('SIGCONT'),
    /** SIGKILL: Redis vanishes mid-traffic, as in a crash */
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}
