export { readSecurityConfig, type SecurityConfig } from './read-security-config.js';
