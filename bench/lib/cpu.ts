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
  /** CPU ms per process group */
  bench: number;
  api: number;
  postgres: number;
  redis: number;
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

export function cpuSample(apiPid: number | undefined): CpuSample {
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
  let postgres = 0;
  let redis = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const t = procTimes(pid);
      if (t?.comm === 'postgres') postgres += t.ms;
      else if (t?.comm === 'redis-server') redis += t.ms;
    }
  } catch {
    // not Linux
  }
  const u = process.cpuUsage();
  return { at, busy, total, bench: (u.user + u.system) / 1000, api: apiPid ? (procTimes(apiPid)?.ms ?? 0) : 0, postgres, redis };
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
  const known = cores(b.bench - a.bench) + cores(b.api - a.api) + cores(b.postgres - a.postgres) + cores(b.redis - a.redis);
  return {
    seconds: Math.round(wallMs) / 1000,
    machine_busy: busyShare === null ? null : Math.round(busyShare * 1000) / 1000,
    cores_bench: cores(b.bench - a.bench),
    cores_api: cores(b.api - a.api),
    cores_postgres_all: cores(b.postgres - a.postgres),
    cores_redis: cores(b.redis - a.redis),
    cores_other: busyCores === null ? null : Math.round((busyCores - known) * 100) / 100,
  };
}
