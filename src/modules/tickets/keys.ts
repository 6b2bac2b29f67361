// Which Ed25519 key signs e-tickets. TICKET_SIGNING_KEY when given; else the embedded default keeps
// one in its data folder (tickets/signing-key.ts). With DATABASE_URL and no TICKET_SIGNING_KEY every
// instance must still sign alike, so the key is derived from JWT_SECRET (HKDF, its own label): the
// instances share that secret already, and a scanner only ever needs the public half.
// Production must give TICKET_SIGNING_KEY (config.ts refuses to start without it): a key derived from
// JWT_SECRET would make rotating that secret invalidate every printed ticket.
import { hkdfSync } from 'node:crypto';
import type { Config } from '../../config.ts';
import { loadTicketKeys, type TicketKeys } from '../../eticket/signing-key.ts';

// PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ticketKeysFor(config: Config): TicketKeys {
  if (config.TICKET_SIGNING_KEY?.trim() || config.embedded) {
    return loadTicketKeys({ envValue: config.TICKET_SIGNING_KEY, dataDir: config.dataDir });
  }
  const seed = Buffer.from(hkdfSync('sha256', config.jwtSecret, 'cinema-ticket-api', 'ticket-signing-key-v1', 32));
  return loadTicketKeys({ envValue: Buffer.concat([ED25519_PKCS8_PREFIX, seed]).toString('base64'), dataDir: config.dataDir });
}
