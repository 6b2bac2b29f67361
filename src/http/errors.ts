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
  invalid_refresh_token: [401, 'The refresh token is not valid'],
  // 401 / 403
  unauthorized: [401, 'Authentication is required'],
  invalid_token: [401, 'The access token is not valid'],
  invalid_credentials: [401, 'Email or password is wrong'],
  forbidden: [403, 'You are not allowed to do this'],
  // 404 / 405
  not_found: [404, 'Nothing here'],
  screening_not_found: [404, 'Screening not found'],
  // 409
  email_taken: [409, 'An account with this email exists'],
  screening_overlap: [409, 'The hall is busy at that time'],
  screening_has_sales: [409, 'The screening has sold tickets; cancel it instead'],
  // 412
  precondition_failed: [412, 'The resource changed since you read it'],
  // 413 / 415 / 429
  payload_too_large: [413, 'The request body is too large'],
  unsupported_media_type: [415, 'Send application/json'],
  rate_limited: [429, 'Too many attempts; try again later'],
  // 5xx
  internal: [500, 'Something went wrong on our side'],
  unavailable: [503, 'A dependency is unavailable; try again'],
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
    super(message ?? ERRORS[code][1]);
    this.status = ERRORS[code][0];
  }
}

export const fail = (code: ErrorCode, message?: string, details?: Record<string, unknown>): never => {
  throw new AppError(code, message, details);
};
