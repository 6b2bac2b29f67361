// Partner API keys: what other parts of the service may use.
export { assertKeyTheater, keyTheaterOf } from './theaters.ts';
export { apiKeyVerifier } from './verify-key.ts';
