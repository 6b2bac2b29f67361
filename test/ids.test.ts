import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidv7 } from '../src/lib/ids.ts';

test('hold ids are RFC 9562 version-7 UUIDs that sort by creation time', () => {
  const a = uuidv7(1_700_000_000_000);
  const b = uuidv7(1_700_000_000_001);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.ok(a < b, 'later ids sort after earlier ones');
  assert.equal(a.slice(0, 13).replace('-', ''), (1_700_000_000_000).toString(16).padStart(12, '0'));
  assert.notEqual(uuidv7(5), uuidv7(5), 'random bits differ within one millisecond');
});

test('ids drawn across refills of the random pool never repeat', () => {
  // 1,000 ids in one millisecond: four refills of the 256-id pool; only the random bits tell them apart
  const ids = Array.from({ length: 1_000 }, () => uuidv7(42));
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(new Set(ids.map((id) => id.slice(-12))).size, ids.length, 'the last 48 random bits alone differ');
});
