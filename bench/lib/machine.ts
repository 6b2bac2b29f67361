// What the numbers were measured on: the machine, and the code (commit, uncommitted changes).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { ROOT } from './common.ts';

function sh(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export type Machine = ReturnType<typeof machine>;
export type CodeVersion = ReturnType<typeof codeVersion>;

export function machine(pgVersion: string) {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const meminfo = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : '';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  return {
    nproc: Number(sh('nproc', []) ?? 0),
    mem_total_gib: Math.round((memKb / 1024 / 1024) * 10) / 10,
    cpu_model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    node: process.version,
    postgres: pgVersion,
    kernel: sh('uname', ['-sr']) ?? 'unknown',
  };
}

export function codeVersion() {
  const head = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = (sh('git', ['status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json']) ?? '') !== '';
  return { commit: head ?? null, uncommitted_changes: dirty };
}

/** "2 cores, 23.5 GiB, AMD EPYC, node v20..., PostgreSQL 15..." for the log. */
export const describe = (m: Machine) => `${m.nproc} cores, ${m.mem_total_gib} GiB, ${m.cpu_model}, node ${m.node}, PostgreSQL ${m.postgres}`;
