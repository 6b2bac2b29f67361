// Where the CPU went during the measured window of a benchmark, from /proc (Linux): the whole
// machine (/proc/stat), the bench process (the load generator), the API process, every `postgres`
// process and `redis-server` (those two by process name: they include other sessions on the machine,
// e.g. someone's tests). Read-only; on another OS the samples are empty and the shares come out null.
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuSample {
  at: number;
  /** machine jiffies: busy and total (all cores) */
  busy: number;
  total: number;
  /** CPU ms: the bench process, the API process, and every postgres / redis-server process by pid */
  bench: number;
  api: number;
  postgres: Map<string, number>;
  redis: Map<string, number>;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procTimes(pid: number | string): { comm: string; ms: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    return { comm, ms: (Number(f[11]) + Number(f[12])) * TICK_MS }; // utime, stime
  } catch {
    return undefined;
  }
}

/** apiPid: the API process, or every instance of a cluster (their CPU added up). */
export function cpuSample(apiPid: number | readonly (number | undefined)[] | undefined): CpuSample {
  const at = performance.now();
  let busy = 0;
  let total = 0;
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    total = cpu.reduce((a, b) => a + b, 0);
    busy = total - cpu[3] - (cpu[4] ?? 0); // minus idle and iowait
  } catch {
    // not Linux
  }
  const postgres = new Map<string, number>();
  const redis = new Map<string, number>();
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const t = procTimes(pid);
      if (t?.comm === 'postgres') postgres.set(pid, t.ms);
      else if (t?.comm === 'redis-server') redis.set(pid, t.ms);
    }
  } catch {
    // not Linux
  }
  const u = process.cpuUsage();
  return { at, busy, total, bench: (u.user + u.system) / 1000, api: apiMs(apiPid), postgres, redis };
}

function apiMs(pids: number | readonly (number | undefined)[] | undefined): number {
  const list = Array.isArray(pids) ? pids : [pids];
  return list.reduce((ms: number, pid) => ms + (pid ? (procTimes(pid)?.ms ?? 0) : 0), 0);
}

/**
 * CPU ms the processes of `b` used since `a`, pid by pid: a process born in the window counts from
 * zero; one that exited in it is left out (summing totals instead would subtract its whole life,
 * e.g. an API pool connection closed for idleness mid-window).
 */
function grew(a: Map<string, number>, b: Map<string, number>): number {
  let ms = 0;
  for (const [pid, t] of b) ms += t - (a.get(pid) ?? 0);
  return ms;
}

export interface CpuShare {
  seconds: number;
  /** share of the machine's capacity (all cores) that was busy */
  machine_busy: number | null;
  /** cores used on average by each (1.0 = one core the whole window) */
  cores_bench: number;
  cores_api: number;
  cores_postgres_all: number;
  cores_redis: number;
  cores_other: number | null;
}

export function cpuShare(a: CpuSample, b: CpuSample, nproc: number): CpuShare {
  const wallMs = b.at - a.at;
  const cores = (ms: number) => Math.round((ms / wallMs) * 100) / 100;
  const busyShare = b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : null;
  const busyCores = busyShare === null ? null : busyShare * nproc;
  const pg = grew(a.postgres, b.postgres);
  const redis = grew(a.redis, b.redis);
  const known = cores(b.bench - a.bench) + cores(b.api - a.api) + cores(pg) + cores(redis);
  return {
    seconds: Math.round(wallMs) / 1000,
    machine_busy: busyShare === null ? null : Math.round(busyShare * 1000) / 1000,
    cores_bench: cores(b.bench - a.bench),
    cores_api: cores(b.api - a.api),
    cores_postgres_all: cores(pg),
    cores_redis: cores(redis),
    cores_other: busyCores === null ? null : Math.round((busyCores - known) * 100) / 100,
  };
}
