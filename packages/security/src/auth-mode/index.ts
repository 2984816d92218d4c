export { resolveAuthMode, type AuthMode, type ResolveAuthModeOptions } from './resolve-auth-mode.js';
export { isLoopbackHost } from './is-loopback-host.js';
