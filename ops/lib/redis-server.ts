// A private redis-server on a free loopback port, with nothing saved, for the fault suite and the
// tests that stop Redis halfway: the machine's shared Redis on 6379 is never touched. A child of this
// process, signalled by its own pid; `stop()` then `start()` is "Redis down for a while" (the same
// port, empty again: Redis holds nothing that must survive); `pause()` leaves it accepting
// connections but answering nothing (a hung or overloaded server).
import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './free-port.ts';

const HOST = '127.0.0.1';

export interface LocalRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  /** SIGKILL, as in a crash; resolves once it has exited */
  stop(): Promise<void>;
  running(): boolean;
  /** SIGSTOP: connections are accepted, nothing is answered */
  pause(): void;
  /** SIGCONT: it answers again */
  resume(): void;
}

const alive = (c: ChildProcess | undefined) => c !== undefined && c.exitCode === null && c.signalCode === null;

/** PING answered PONG on a fresh connection. */
function pong(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const s = createConnection({ host: HOST, port });
    let got = '';
    const done = (v: boolean) => {
      s.destroy();
      ok(v);
    };
    s.setTimeout(500, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (b) => {
      got += b.toString();
      if (got.includes('\r\n')) done(got.startsWith('+PONG'));
    });
  });
}

export async function startRedis(): Promise<LocalRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  const self: LocalRedis = {
    url: `redis://${HOST}:${port}/0`,
    port,
    running: () => alive(child),
    async start() {
      if (alive(child)) return;
      output = '';
      child = spawn('redis-server', ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (b: Buffer) => void (output = (output + b.toString()).slice(-4000)));
      child.stderr?.on('data', (b: Buffer) => void (output = (output + b.toString()).slice(-4000)));
      const until = Date.now() + 10_000;
      while (!(await pong(port))) {
        if (!alive(child)) throw new Error(`redis-server exited:\n${output}`);
        if (Date.now() > until) {
          child.kill('SIGKILL'); // not left running behind the error
          throw new Error(`redis-server not answering on ${port}:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async stop() {
      const c = child;
      if (!c || !alive(c)) return;
      const exited = new Promise<void>((ok) => c.once('exit', () => ok()));
      c.kill('SIGCONT'); // a paused one too
      c.kill('SIGKILL');
      await exited;
    },
  };
  await self.start();
  return self;
}
