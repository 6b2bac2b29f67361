// The hold a customer has on a screening, remembered in this browser: a reload, or a visit to another
// page and back, finds it again with its countdown, payment and release (the server keeps no "my
// holds" list, and the seats would otherwise stay held, out of their owner's reach, until they ran
// out). Only the id is kept; the server stays the truth: the page asks for the hold and shows it only
// while it is active and its time has not run out.
const keyOf = (userId: number, screeningId: number) => `cinema.hold.${userId}.${screeningId}`;

export function rememberHold(userId: number, screeningId: number, holdId: string): void {
  try {
    localStorage.setItem(keyOf(userId, screeningId), holdId);
  } catch {
    // storage full or refused: the hold is only not found again after a reload
  }
}

export function forgetHold(userId: number, screeningId: number): void {
  try {
    localStorage.removeItem(keyOf(userId, screeningId));
  } catch {
    // nothing to do
  }
}

export function rememberedHold(userId: number, screeningId: number): string | null {
  try {
    return localStorage.getItem(keyOf(userId, screeningId));
  } catch {
    return null;
  }
}
