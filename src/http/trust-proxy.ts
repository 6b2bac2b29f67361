// Who the client is. X-Forwarded-For is believed only from the proxies TRUST_PROXY names (a hop count,
// or addresses and CIDR ranges); by default from nobody, so a client cannot pick the address every
// per-address limit counts by rotating the header. Behind a load balancer, set it, or every client
// shares the balancer's address (and its budget).
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { normalizeIP } from '@fastify/rate-limit';

const KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Fastify's trustProxy from TRUST_PROXY: false (nobody), the nearest n hops, or addresses / CIDRs. */
export function trustProxyOf(value: string): false | string[] | ((address: string, hop: number) => boolean) {
  const v = value.trim();
  if (v === '' || v === '0') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return (_address, hop) => hop < hops;
  }
  const entries = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !KEYWORDS.has(e) && !isAddressOrRange(e));
  if (bad.length > 0) {
    throw new Error(`TRUST_PROXY: ${bad.join(', ')} is not an IP address, a CIDR range, loopback, linklocal or uniquelocal (or give a hop count)`);
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/**
 * The client as per-address limits count it: req.ip (after TRUST_PROXY), with an IPv6 address taken
 * as its /64, since one subscriber is usually given a whole /64 and could otherwise rotate within it.
 */
export const clientAddress = (req: FastifyRequest): string => normalizeIP(req.ip);
