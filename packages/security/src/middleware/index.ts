/** Hono middleware: authentication, rate limits, CSRF, CORS, secure headers. */
export {
  authenticate,
  requireAuth,
  requireAdmin,
  getPrincipal,
  readBearerToken,
  type AuthenticateOptions,
} from './authenticate.js';
export {
  setSessionCookie,
  clearSessionCookie,
  readSessionCookie,
  DEFAULT_SESSION_COOKIE,
  type SessionCookieOptions,
} from './session-cookie.js';
export {
  rateLimits,
  rateLimitKey,
  setLegacyRateLimitHeaders,
  type RateLimits,
  type RateLimitState,
  DEFAULT_RATES,
  type RateLimitName,
  type RateLimitsOptions,
  type RateSetting,
} from './rate-limits.js';
export { secureHeaders, secureHeaderList, type SecureHeadersOptions } from './secure-headers.js';
export { csrfProtection, type CsrfOptions } from './csrf.js';
export { corsAllowlist, parseOriginList, type CorsAllowlistOptions } from './cors.js';
export { clientIp, isHttpsRequest, requestOrigin } from './request-info.js';
export type { SecurityEnv, SecurityVariables, TrustProxy } from './security-env.js';
export { hostCheck, hostName, parseHostList, type HostCheckOptions } from './host-check.js';
