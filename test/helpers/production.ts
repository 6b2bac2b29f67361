// A complete NODE_ENV=production environment for tests: every setting production requires, with
// values no deployment would publish. Spread it and override what a test is about.
import { generateKeyPairSync } from 'node:crypto';

const ticketKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');

export const METRICS_TEST_TOKEN = 'metrics-token-for-tests-4f9a1c';

export function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: 'prod-test-jwt-secret-7d1e0b9a54c38f2e6a1b0c9d',
    GATEWAY: 'http',
    GATEWAY_URL: 'http://127.0.0.1:4100',
    GATEWAY_API_KEY: 'sk_live_tests_5b2c9e1f',
    GATEWAY_WEBHOOK_SECRET: 'whsec_tests_0a8f3d6b2e91c4',
    TICKET_SIGNING_KEY: ticketKey,
    SMTP_URL: 'smtp://127.0.0.1:2525',
    PUBLIC_BASE_URL: 'https://tickets.example.com',
    METRICS_TOKEN: METRICS_TEST_TOKEN,
    ...extra,
  };
}
