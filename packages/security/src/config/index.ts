/** Security settings read from the environment. */
export { readSecurityConfig, type SecurityConfig } from './read-security-config.js';
