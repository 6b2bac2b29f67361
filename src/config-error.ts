// Its own module so that modules config.ts uses to check a variable (eticket/signing-key.ts) can throw
// it too without importing config.ts back.
/** A setting is missing or wrong: the boot stops with exit code 78 (EX_CONFIG) and this message. */
export class ConfigError extends Error {}
