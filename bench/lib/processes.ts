// Child processes the benchmark starts itself (servers, scripts), and only those: each is stopped by
// its own pid (ChildProcess.kill), and stopAll() stops whatever is still running at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './common.ts';

export interface Child {
  name: string;
  proc: ChildProcess;
  /** the last 8,000 characters of stdout and stderr, interleaved */
  output: () => string;
  /** the last 64,000 characters of stdout alone */
  stdout: () => string;
}

const children = new Set<Child>();

/**
 * Starts `command args` (default: this Node binary) in `cwd` (default: the project root; another
 * checkout of the project for a before/after run); `ipc` adds a Node IPC channel.
 */
export function start(name: string, args: string[], env: NodeJS.ProcessEnv, command = process.execPath, ipc = false, cwd = ROOT): Child {
  const stdio = ipc ? (['ignore', 'pipe', 'pipe', 'ipc'] as const) : (['ignore', 'pipe', 'pipe'] as const);
  const proc = spawn(command, args, { cwd, env, stdio: [...stdio] });
  let tail = '';
  let out = '';
  proc.stdout?.on('data', (b: Buffer) => {
    tail = (tail + b.toString()).slice(-8000);
    out = (out + b.toString()).slice(-64_000);
  });
  proc.stderr?.on('data', (b: Buffer) => (tail = (tail + b.toString()).slice(-8000)));
  const child = { name, proc, output: () => tail, stdout: () => out };
  children.add(child);
  proc.once('exit', () => children.delete(child));
  return child;
}

export const exited = ({ proc }: Child) => proc.exitCode !== null || proc.signalCode !== null;

/** Resolves with the exit code (null when killed by a signal) once the child has exited. */
export function exitOf(child: Child): Promise<number | null> {
  if (exited(child)) return Promise.resolve(child.proc.exitCode);
  return new Promise((ok) => child.proc.once('exit', (code) => ok(code)));
}

/** SIGTERM to the child's pid, SIGKILL after 15 s; resolves when it has exited. */
export async function stop(child: Child): Promise<void> {
  if (exited(child)) return;
  const gone = exitOf(child);
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => !exited(child) && child.proc.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

export const stopAll = () => Promise.allSettled([...children].map(stop));

export { freePort } from '../../ops/lib/free-port.ts';

/** Polls url until it answers 200; returns ms since `since`. Fails if the child exits first. */
export async function waitFor200(url: string, child: Child, since: number, limitMs = 180_000): Promise<number> {
  for (;;) {
    if (exited(child)) throw new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}):\n${child.output()}`);
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (res) await res.arrayBuffer().catch(() => undefined);
    if (res?.status === 200) return performance.now() - since;
    if (performance.now() - since > limitMs) throw new Error(`${url} gave no 200 within ${limitMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
