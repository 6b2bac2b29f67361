// A complete NODE_ENV=production environment for tests: every setting production requires, with
// secrets drawn at random per run (a fixed one here would be a published secret production accepts).
// Spread it and override what a test is about.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

const ticketKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

const random = (bytes: number) => randomBytes(bytes).toString('hex');
export const METRICS_TEST_TOKEN = random(16);
const secrets = { jwt: random(32), apiKey: `sk_live_${random(12)}`, webhook: `whsec_${random(16)}` };

export function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: secrets.jwt,
    GATEWAY: 'http',
    GATEWAY_URL: 'http://127.0.0.1:4100',
    GATEWAY_API_KEY: secrets.apiKey,
    GATEWAY_WEBHOOK_SECRET: secrets.webhook,
    TICKET_SIGNING_KEY: ticketKey,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    PUBLIC_BASE_URL: 'https://tickets.example.com',
    METRICS_TOKEN: METRICS_TEST_TOKEN,
    ...extra,
  };
}
