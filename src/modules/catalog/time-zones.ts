// IANA time zone names. A theater's zone decides what "the screenings of 25 December" means, and
// PostgreSQL converts with it in every browse query, so both JavaScript and PostgreSQL must know it.
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { databaseKnowsTimeZone } from './queries.ts';

const KNOWN = new Map([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((z) => [z.toLowerCase(), z]));
// Area/Location names (and UTC, EST...): no bare offsets, which PostgreSQL reads as POSIX zones with
// the sign flipped ('+07:00' would be UTC-7).
const NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** The zone in its usual spelling ('asia/jakarta' -> 'Asia/Jakarta'), or 400 invalid_time_zone. */
export async function checkTimeZone(sql: Sql, name: string): Promise<string> {
  const zone = canonical(name);
  if (zone === undefined || !(await databaseKnowsTimeZone(sql, zone))) {
    throw new AppError('invalid_time_zone', `${JSON.stringify(name)} is not an IANA time zone`, { time_zone: name });
  }
  return zone;
}

function canonical(name: string): string | undefined {
  if (!NAME.test(name)) return undefined;
  const known = KNOWN.get(name.toLowerCase());
  if (known) return known;
  // Links ICU lists under another name (Asia/Kolkata is Asia/Calcutta to ICU): keep what was sent.
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    return undefined;
  }
}
