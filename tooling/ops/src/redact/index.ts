export { redactEnv, redactText, REDACTED, SECRET_NAME } from './redact.js';
