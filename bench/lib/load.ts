// HTTP load with autocannon, in the benchmark's own process: an unmeasured warm-up, then the
// measured run, summarised in the fields every results file uses.
import autocannon, { type Result } from 'autocannon';
import { fmt, log } from './common.ts';
import type { BenchOptions } from './options.ts';

export interface Summary {
  url: string;
  connections: number;
  duration_s: number;
  requests_total: number;
  req_per_s_mean: number;
  req_per_s_stddev: number;
  latency_ms: { mean: number; p50: number; p90: number; p99: number; max: number };
  non_2xx: number;
  errors: number;
  timeouts: number;
  status_codes: Record<string, number>;
}

export function summarize(r: Result): Summary {
  const codes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) codes[code] = Number(s.count);
  return {
    url: r.url,
    connections: r.connections,
    duration_s: r.duration,
    requests_total: r.requests.total,
    req_per_s_mean: r.requests.average,
    req_per_s_stddev: r.requests.stddev,
    latency_ms: { mean: r.latency.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    status_codes: codes,
  };
}

type LoadOptions = Pick<BenchOptions, 'connections' | 'warmup' | 'duration'>;

/** GET url with opts.connections connections: warm-up, then the measured run. */
export async function load(label: string, url: string, opts: LoadOptions, headers: Record<string, string> = {}): Promise<Summary> {
  const base = { url, connections: opts.connections, headers, timeout: 10 };
  if (opts.warmup > 0) {
    log(`${label}: warm-up ${opts.warmup} s`);
    await autocannon({ ...base, duration: opts.warmup });
  }
  log(`${label}: ${opts.connections} connections, ${opts.duration} s`);
  const s = summarize(await autocannon({ ...base, duration: opts.duration, title: label }));
  log(
    `${label}: ${fmt(s.req_per_s_mean)} req/s, p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms, ` + `non-2xx ${s.non_2xx}, errors ${s.errors}`,
  );
  return s;
}
