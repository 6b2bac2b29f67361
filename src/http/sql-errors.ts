// The SQLSTATEs our SQL functions raise (src/db/functions/*.sql, `RAISE ... USING ERRCODE`), each
// with the error code of the catalogue (errors.ts) it becomes and what its DETAIL carries. Class CN
// is ours (not a PostgreSQL class). test/database.test.ts checks that every code raised in a
// function file is here and every code here is raised.
import type { ErrorCode } from './errors.ts';

interface SqlError {
  code: ErrorCode;
  /** what DETAIL holds: seat ids (comma separated), a number, or nothing */
  detail: 'seat_ids' | 'number' | 'none';
  /** the customer's words ({seats}: the seats' labels); limits build theirs from the number */
  message: string;
}

export const SQL_ERRORS = {
  CN001: { code: 'screening_not_on_sale', detail: 'none', message: 'The screening has started, was cancelled or is closed for sale' },
  CN400: { code: 'unknown_seats', detail: 'seat_ids', message: 'Some seats are not part of this screening' },
  CN409: { code: 'seat_unavailable', detail: 'seat_ids', message: 'Some seats were just taken by someone else' },
  CN410: { code: 'seat_unavailable', detail: 'seat_ids', message: 'Some seats are being taken by someone else right now' },
  CN421: { code: 'couple_seat_pair', detail: 'seat_ids', message: 'A couple seat must be held together with its partner' },
  CN422: { code: 'companion_seat_alone', detail: 'seat_ids', message: 'A companion seat must be held together with its wheelchair seat' },
  CN423: {
    code: 'orphan_seat',
    detail: 'seat_ids',
    message: 'The selection would leave {seats} stranded alone; choose seats next to it or leave a gap of two',
  },
  CN424: { code: 'hold_in_checkout', detail: 'none', message: 'Your current hold for this screening is being paid; finish or cancel that first' },
  CN425: { code: 'hold_limit_reached', detail: 'number', message: 'seats the account holds elsewhere' },
  CN426: { code: 'seat_limit_per_screening', detail: 'number', message: 'seats the customer bought of this screening' },
  CN427: { code: 'hold_renewal_limit', detail: 'number', message: 'seconds until the customer may hold seats of it again' },
} as const satisfies Record<string, SqlError>;

export type SqlErrorState = keyof typeof SQL_ERRORS;

export const isSqlErrorState = (state: string | undefined): state is SqlErrorState => state !== undefined && state in SQL_ERRORS;
