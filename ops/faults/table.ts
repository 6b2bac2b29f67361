// The suite's result: one row per fault, as a Markdown table (bench/RESULTS.md takes it as is), and
// under it every breach in words. A row is a breach when the client saw a 500, another 5xx (a 503
// without Retry-After among them) or a dropped connection, when /readyz was not back on every
// instance within the bound, or when an invariant check (checks.ts) found anything.
import { breaches, type Verdict } from './checks.ts';
import type { Tally } from './load.ts';

export interface Row {
  fault: string;
  note: string;
  tally: Tally;
  /** ms until /readyz answered 200 on every instance after the fault ended; undefined: not within the bound */
  readyMs: number | undefined;
  /** when /readyz was not back: each instance's last answer, or its exit and output */
  notReady: string[];
  verdict: Verdict;
  /** unhandled errors the instances logged meanwhile (what is behind a 500) */
  logged: string[];
  /** what the fault itself found wrong while it lasted (e.g. /readyz not saying the replica was down) */
  during?: string[];
}

export function rowBreaches(r: Row, readyBoundMs: number): string[] {
  const t = r.tally;
  return [
    ...(t.internal > 0 ? [`${t.internal} answered 500`] : []),
    ...(t.otherServerError > 0 ? [`${t.otherServerError} answered another 5xx (or 503 without Retry-After)`] : []),
    ...(t.dropped > 0 ? [`${t.dropped} without an answer (refused, reset or dropped)`] : []),
    ...(r.readyMs === undefined ? [`/readyz not 200 'ready' on every instance within ${readyBoundMs / 1000} s`] : []),
    ...(r.during ?? []),
    ...breaches(r.verdict),
  ];
}

const HEAD = [
  'fault',
  'requests',
  '2xx',
  '4xx',
  '503 + Retry-After',
  '500',
  'other 5xx',
  'dropped',
  'closed, resent',
  '/readyz back (s)',
  'payments settled (s)',
  'invariants',
];

export function renderTable(rows: Row[], readyBoundMs: number): string {
  const cells = rows.map((r) => {
    const n = rowBreaches(r, readyBoundMs).length;
    return [
      r.fault,
      r.tally.requests.toLocaleString('en-US'),
      r.tally.ok.toLocaleString('en-US'),
      r.tally.refused.toLocaleString('en-US'),
      String(r.tally.unavailable),
      String(r.tally.internal),
      String(r.tally.otherServerError),
      String(r.tally.dropped),
      String(r.tally.resent),
      r.readyMs === undefined ? `> ${readyBoundMs / 1000}` : (r.readyMs / 1000).toFixed(1),
      (r.verdict.settledMs / 1000).toFixed(1),
      n === 0 ? 'ok' : `BREACH (${n})`,
    ];
  });
  const widths = HEAD.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => (i === 0 || i === c.length - 1 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 || i === widths.length - 1 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(HEAD), rule, ...cells.map(line)].join('\n');
}

/** The notes (what each fault did) and every breach, under the table. */
export function renderDetails(rows: Row[], readyBoundMs: number): string {
  const out: string[] = [];
  for (const r of rows) {
    const refusals = Object.entries(r.tally.refusals)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} x${n}`)
      .join(', ');
    out.push(`- ${r.fault}: ${r.note}${refusals ? `; 4xx: ${refusals}` : ''}`);
    for (const b of rowBreaches(r, readyBoundMs)) out.push(`  - BREACH: ${b}`);
    for (const s of r.tally.samples) out.push(`    - e.g. ${s}`);
    for (const e of r.logged) out.push(`    - logged: ${e}`);
    for (const n of r.notReady) out.push(`    - /readyz: ${n}`);
  }
  return out.join('\n');
}
