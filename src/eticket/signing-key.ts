// The Ed25519 key that signs e-ticket QR codes. Only the service holds the private half; a door
// scanner needs only the public half, so it can check tickets offline.
// Production passes TICKET_SIGNING_KEY (PKCS#8 PEM, or base64 of the PKCS#8 DER) so every instance
// signs with the same key. The embedded default makes one beside its data, like the JWT secret, so
// tickets printed yesterday still scan after a restart; ':memory:' gets a key that dies with the process.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config-error.ts';

export const TICKET_KEY_ENV = 'TICKET_SIGNING_KEY';
export const TICKET_KEY_FILE = 'ticket-signing-key.pem';

export interface TicketKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** first 8 hex chars of sha256(public key DER); travels in every QR code, see ticket-signing.ts */
  keyId: string;
}

export interface TicketKeySource {
  /** value of TICKET_SIGNING_KEY; empty counts as absent */
  envValue?: string;
  /** ':memory:' or a folder, as in Config.dataDir */
  dataDir: string;
  /**
   * false when several instances share one database (DATABASE_URL): a key made per instance would
   * make one instance's tickets fail on another, so the variable is then required. Default true.
   */
  embedded?: boolean;
}

/** A ConfigError, so a bad key stops the boot with exit code 78 like any other bad variable. */
export class TicketKeyError extends ConfigError {}

/** Resolves the signing key from the environment, the data folder, or thin air (':memory:'). */
export function loadTicketKeys(source: TicketKeySource): TicketKeys {
  const given = source.envValue?.trim();
  if (given) return keysFrom(parseKey(given, TICKET_KEY_ENV));
  if (source.embedded === false) {
    throw new TicketKeyError(`${TICKET_KEY_ENV} is required when DATABASE_URL is set (Ed25519 PKCS#8 PEM or base64 DER)`);
  }
  if (source.dataDir === ':memory:') return keysFrom(generateKeyPairSync('ed25519').privateKey);
  return keysFrom(readOrCreate(join(source.dataDir, TICKET_KEY_FILE)));
}

/** sha256 of the SPKI DER, first 8 hex chars: short enough for a QR code, enough to tell keys apart. */
export function ticketKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex').slice(0, 8);
}

/** A new key as PKCS#8 PEM, for operators filling TICKET_SIGNING_KEY. */
export function newTicketKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

function keysFrom(privateKey: KeyObject): TicketKeys {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: ticketKeyId(publicKey) };
}

// Env files often carry a PEM on one line with literal \n; anything without a PEM header is base64 DER.
function parseKey(text: string, origin: string): KeyObject {
  let key: KeyObject;
  try {
    if (text.includes('-----BEGIN')) {
      key = createPrivateKey({ key: text.replace(/\\n/g, '\n'), format: 'pem' });
    } else {
      const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    }
  } catch (err) {
    throw new TicketKeyError(`${origin} is not a PKCS#8 private key: ${(err as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TicketKeyError(`${origin} must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

// 'wx' makes creation atomic: when two processes boot on one folder, the loser reads the winner's key.
function readOrCreate(file: string): KeyObject {
  try {
    return parseKey(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(join(file, '..'), { recursive: true });
  const pem = newTicketKeyPem();
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(readFileSync(file, 'utf8'), file);
    throw err;
  }
  return parseKey(pem, file);
}
