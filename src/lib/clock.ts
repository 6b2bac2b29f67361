// The one place the service reads the time of day, so tests can move it. Rules that must agree across
// instances (hold expiry) use the database's now() instead.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
