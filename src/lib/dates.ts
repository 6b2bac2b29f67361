// Calendar dates as the API takes them: YYYY-MM-DD, checked to exist (2026-02-30 does not).
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/**
 * An instant as the theater's wall clock shows it, for words a person reads (messages, refusals):
 * 2026-12-03T10:15Z, 'Asia/Jakarta' -> '2026-12-03 17:15 (+07:00)'. Fields a program reads stay
 * RFC 3339. An unknown zone prints UTC, labelled '(+00:00)', rather than failing the answer.
 */
export function localTime(at: Date, timeZone: string): string {
  const parts = wallClock(timeZone).formatToParts(at);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '';
  // 'GMT+07:00', 'GMT-03:30', or 'GMT' for a zero offset
  const offset = p('timeZoneName').replace('GMT', '') || '+00:00';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')} (${offset})`;
}

// Building an Intl.DateTimeFormat costs far more than using one; a few zones are ever asked for.
const clocks = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string): Intl.DateTimeFormat {
  let f = clocks.get(timeZone);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    };
    try {
      f = new Intl.DateTimeFormat('en-CA', { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat('en-CA', { ...options, timeZone: 'UTC' });
    }
    if (clocks.size < 1_000) clocks.set(timeZone, f);
  }
  return f;
}
