// The command-line options every benchmark takes, and the command line recorded with its results.
export interface BenchOptions {
  /** measured seconds */
  duration: number;
  connections: number;
  /** unmeasured seconds of load before the measured run */
  warmup: number;
  /** also run ../shared/bench/pg-baseline.sh */
  withBaseline: boolean;
  /** the command as typed (BENCH_COMMAND from bench/run.sh, or node --import tsx bench/<name>.ts ...) */
  command: string;
}

const USAGE = '[--with-baseline] [--duration=10] [--connections=100] [--warmup=2]';
const KNOWN = /^--(with-baseline|duration=\d+|connections=\d+|warmup=\d+)$/;

/**
 * Parses argv; prints usage and exits 2 on an unknown argument, throws on an out-of-range number.
 * `own`: the benchmark's own arguments (a pattern and its usage text), read by the benchmark itself.
 */
export function parseOptions(name: string, argv = process.argv.slice(2), own?: { pattern: RegExp; usage: string }): BenchOptions {
  const unknown = argv.filter((a) => !KNOWN.test(a) && !own?.pattern.test(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\n`);
    process.stderr.write(`usage: node --import tsx bench/${name}.ts ${USAGE}${own ? ` ${own.usage}` : ''}\n`);
    process.exit(2);
  }
  const num = (key: string, def: number, min: number, max: number) => {
    const raw = argv.find((a) => a.startsWith(`--${key}=`))?.split('=')[1];
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${key} must be an integer in ${min}..${max}`);
    return n;
  };
  return {
    duration: num('duration', 10, 1, 120),
    connections: num('connections', 100, 1, 1000),
    warmup: num('warmup', 2, 0, 30),
    withBaseline: argv.includes('--with-baseline') || process.env.BENCH_BASELINE === '1',
    command: process.env.BENCH_COMMAND ?? [`node --import tsx bench/${name}.ts`, ...argv].join(' '),
  };
}
