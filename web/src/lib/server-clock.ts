// The server's time, as this device can know it: a phone's clock may be minutes off, and a deadline
// the server set (a hold's end, a virtual account's) is counted down on the server's clock. Every API
// answer's Date header (whole seconds) moves the offset; until the first one, the device's own clock.
let offsetMs = 0;

/** Milliseconds since the epoch on the server's clock, as well as its answers tell it (about ±0.5 s). */
export const serverNow = (): number => Date.now() + offsetMs;

/** Takes the server's time from an answer's Date header (received just now). */
export function heardFromServer(dateHeader: string | null): void {
  const at = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  // the header is truncated to the second: its middle is the better guess
  if (!Number.isNaN(at)) offsetMs = at + 500 - Date.now();
}
