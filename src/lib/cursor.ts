// Opaque keyset cursors: base64url JSON of the last item's sort key. Keyset (not offset) pagination
// neither skips nor repeats items when rows are inserted between pages.

export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Returns undefined for anything that is not a cursor we made. */
export function decodeCursor(cursor: string): unknown[] | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
