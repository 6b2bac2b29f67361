// The error catalogue: every stable code a client can see, with its HTTP status and a default message.
// Use cases throw AppError; http/problem.ts turns it into application/problem+json.

export const ERRORS = {
  // 400
  validation_failed: [400, 'The request is not valid'],
  invalid_json: [400, 'The request body is not valid JSON'],
  invalid_amount: [400, 'An amount is not a valid price in the currency'],
  invalid_time: [400, 'A time must be RFC 3339 with an offset'],
  unknown_movie: [400, 'No movie with that id'],
  unknown_theater: [400, 'No theater with that id'],
  unknown_hall: [400, 'No hall with that id'],
  hall_not_in_theater: [400, 'The hall does not belong to the theater'],
  hall_not_3d: [400, 'A 3D screening needs a 3D-capable hall'],
  price_3d_required: [400, 'A 3D screening needs price_3d'],
  screening_in_past: [400, 'A screening cannot start in the past'],
  invalid_layout: [400, 'The seat layout is not valid'],
  unknown_seats: [400, 'Some seats are not part of this screening'],
  too_many_seats: [400, 'Too many seats for one hold'],
  couple_seat_pair: [400, 'A couple seat is sold together with its partner'],
  companion_seat_alone: [400, 'A companion seat is sold only with its wheelchair seat'],
  unknown_city: [400, 'No city with that id'],
  invalid_time_zone: [400, 'The time zone is not an IANA time zone name'],
  invalid_date_range: [400, 'end_date must not be before release_date'],
  payment_method_unavailable: [400, 'This payment method is not available'],
  invalid_ticket_code: [400, 'The ticket code is not valid'],
  seats_not_in_ticket: [400, 'Some seats are not part of this ticket'],
  invalid_refund_policy: [400, 'The refund policy is not valid'],
  weak_password: [400, 'The password is too easy to guess'],
  invalid_refresh_token: [401, 'The refresh token is not valid'],
  // 401 / 403
  unauthorized: [401, 'Authentication is required'],
  invalid_token: [401, 'The access token is not valid'],
  invalid_credentials: [401, 'Email or password is wrong'],
  forbidden: [403, 'You are not allowed to do this'],
  wrong_password: [403, 'The current password is wrong'],
  invalid_signature: [401, 'The webhook signature is not valid'],
  invalid_api_key: [401, 'The API key is not valid (unknown, revoked or expired)'],
  insufficient_scope: [403, 'The API key does not allow this'],
  theater_not_allowed: [403, 'The API key is restricted to other theaters'],
  // 402
  payment_declined: [402, 'The payment was declined'],
  // 404 / 405
  not_found: [404, 'Nothing here'],
  screening_not_found: [404, 'Screening not found'],
  hall_not_found: [404, 'Hall not found'],
  city_not_found: [404, 'City not found'],
  theater_not_found: [404, 'Theater not found'],
  movie_not_found: [404, 'Movie not found'],
  hold_not_found: [404, 'Hold not found'],
  ticket_not_found: [404, 'Ticket not found'],
  refund_not_found: [404, 'Refund not found'],
  dead_letter_not_found: [404, 'No dead message with this id'],
  // 409
  email_taken: [409, 'An account with this email exists'],
  own_role: [409, 'An admin cannot change their own role'],
  screening_overlap: [409, 'The hall is busy at that time'],
  screening_has_sales: [409, 'The screening has sold tickets; cancel it instead'],
  theater_has_sales: [409, 'The theater has sold tickets; its time zone (the local days of its reports) cannot change'],
  hall_name_taken: [409, 'The theater already has a hall with this name'],
  layout_removes_sold_seats: [409, 'The new layout removes seats that are sold or held'],
  seat_unavailable: [409, 'Some seats are not available'],
  orphan_seat: [409, 'The selection would leave a single seat stranded'],
  screening_not_on_sale: [409, 'The screening is not open for sale'],
  hold_in_checkout: [409, 'Your current hold for this screening is being paid'],
  hold_in_progress: [409, 'Another hold request of yours for this screening came first'],
  hold_limit_reached: [409, 'You hold as many seats as one account may hold at once'],
  seat_limit_per_screening: [409, 'You have as many seats of this screening as one customer may have'],
  hold_renewal_limit: [409, 'Your holds for this screening ran for the longest time allowed; try again later'],
  hold_not_active: [409, 'The hold is no longer active'],
  not_enough_adjacent_seats: [409, 'Not enough adjacent seats are free'],
  idempotency_in_flight: [409, 'A request with this Idempotency-Key is still being processed'],
  in_use: [409, 'Other records still refer to it'],
  api_key_inactive: [409, 'The API key was revoked or rotated already'],
  city_exists: [409, 'A city with this name and province exists'],
  payment_in_progress: [409, 'A payment for this hold is already in progress'],
  ticket_not_paid: [409, 'The ticket is not paid'],
  ticket_refunded: [409, 'The ticket was refunded'],
  already_checked_in: [409, 'The ticket was already checked in'],
  screening_cancelled: [409, 'The screening was cancelled'],
  wrong_day: [409, 'The ticket is for a screening on another day'],
  too_early: [409, 'Check-in for this screening has not opened yet'],
  screening_ended: [409, 'The screening has ended'],
  refund_not_allowed: [409, 'The refund policy allows no refund now'],
  ticket_already_refunded: [409, 'These seats are already refunded'],
  ticket_checked_in: [409, 'The ticket was checked in and cannot be refunded'],
  screening_started: [409, 'The screening has started'],
  refund_in_progress: [409, 'A refund of this ticket is already in progress'],
  refund_not_pending_review: [409, 'The refund is not waiting for review'],
  // 412
  precondition_failed: [412, 'The resource changed since you read it'],
  // 410 / 422
  hold_expired: [410, 'The hold has expired'],
  idempotency_key_reused: [422, 'This Idempotency-Key was used with another request body'],
  // 413 / 415 / 429
  payload_too_large: [413, 'The request body is too large'],
  unsupported_media_type: [415, 'Send application/json'],
  rate_limited: [429, 'Too many attempts; try again later'],
  waiting_room: [429, 'Many customers are choosing seats for this screening: you are in the queue'],
  // 5xx
  internal: [500, 'Something went wrong on our side'],
  gateway_error: [502, 'The payment gateway refused the request'],
  refund_declined: [502, 'The payment gateway declined the refund; nothing was refunded'],
  unavailable: [503, 'A dependency is unavailable; try again'],
  gateway_unavailable: [503, 'The payment gateway is unavailable; try again'],
  gateway_timeout: [504, 'The payment gateway did not answer in time; try again with the same Idempotency-Key'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERRORS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    // A 4xx is an answer, not a fault: no stack to capture (a profile of the holds bench showed
    // refusals spending ~1 % of the API's CPU capturing stacks nobody reads). 5xx keep theirs.
    const limit = Error.stackTraceLimit;
    if (ERRORS[code][0] < 500) Error.stackTraceLimit = 0;
    super(message ?? ERRORS[code][1]);
    Error.stackTraceLimit = limit;
    this.status = ERRORS[code][0];
  }
}

export const fail = (code: ErrorCode, message?: string, details?: Record<string, unknown>): never => {
  throw new AppError(code, message, details);
};
