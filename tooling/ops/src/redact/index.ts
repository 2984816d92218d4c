/** Removing secrets from configuration and logs. */
export { redactEnv, redactText, REDACTED, SECRET_NAME } from './redact.js';
