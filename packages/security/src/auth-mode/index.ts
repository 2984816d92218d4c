/** AUTH modes and the refusal of AUTH=off off loopback. */
export { resolveAuthMode, type AuthMode, type ResolveAuthModeOptions } from './resolve-auth-mode.js';
export { isLoopbackHost } from './is-loopback-host.js';
