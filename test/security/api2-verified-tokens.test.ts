// The cache of verified access tokens (src/http/verified-tokens.ts): a hit is only ever the exact token
// that passed every check, never past its exp, and the cache stays bounded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifiedTokens } from '../../src/http/verified-tokens.ts';

describe('verified access tokens', () => {
  test('a token is served until its exp, then forgotten', () => {
    let now = 1_000_000;
    const cache = verifiedTokens<string>(10, () => now);
    cache.set('a.b.c', 'user 1', now + 60_000);
    assert.equal(cache.get('a.b.c'), 'user 1');
    assert.equal(cache.get('a.b.C'), undefined, 'another string is another token');
    now += 60_000;
    assert.equal(cache.get('a.b.c'), undefined, 'at exp it is no longer valid');
  });

  test('bounded: the oldest entry goes first', () => {
    const cache = verifiedTokens<number>(3, () => 0);
    for (let i = 1; i <= 4; i++) cache.set(`t${i}`, i, 1_000);
    assert.equal(cache.get('t1'), undefined);
    assert.deepEqual([cache.get('t2'), cache.get('t3'), cache.get('t4')], [2, 3, 4]);
  });
});
