import { resolveAuthMode, type AuthMode } from '../auth-mode/index.js';
import { InvalidSecurityConfigError } from '../errors/index.js';
import {
  DEFAULT_RATES,
  parseHostList,
  parseOriginList,
  type RateLimitName,
  type TrustProxy,
} from '../middleware/index.js';
import { parseRate } from '../rate-limit/index.js';

/** Security settings from the environment, validated once at start. */
export interface SecurityConfig {
  /** From AUTH and HOST; see `resolveAuthMode`. */
  authMode: AuthMode;
  /** Rate texts (validated) or `'off'`: RATE_LIMIT_CHAT, RATE_LIMIT_API, RATE_LIMIT_LOGIN. */
  rates: Record<RateLimitName, string>;
  /** TRUST_PROXY: `true`/`1`..n hops, or false. Defaults to false. */
  trustProxy: TrustProxy;
  /** CORS_ORIGINS, comma-separated. Defaults to none. */
  corsOrigins: string[];
  /** ALLOWED_HOSTS, comma-separated host names accepted in `Host` besides loopback names. Defaults to none. */
  allowedHosts: string[];
  /** Whether `Host` is checked: always with AUTH=off, and with AUTH=on once ALLOWED_HOSTS is set. */
  checkHost: boolean;
}

function readTrustProxy(value: string | undefined): TrustProxy {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0' || v === 'no') return false;
  if (v === 'true' || v === 'yes') return true;
  const n = Number(v);
  if (Number.isInteger(n) && n > 0 && n < 10) return n;
  throw new InvalidSecurityConfigError(`TRUST_PROXY must be true, false or a number of proxy hops, got "${value}"`);
}

function readRate(env: NodeJS.ProcessEnv, name: RateLimitName, fallback: string = DEFAULT_RATES[name]): string {
  const value = env[`RATE_LIMIT_${name.toUpperCase()}`]?.trim() || fallback;
  if (value.toLowerCase() !== 'off') parseRate(value);
  return value;
}

/**
 * Reads AUTH, RATE_LIMIT_*, TRUST_PROXY, CORS_ORIGINS and ALLOWED_HOSTS. RATE_LIMIT_CHAT defaults to `off` with AUTH
 * off (loopback only) and to 5 per minute with AUTH on. Throws `UnsafeAuthModeError` for
 * AUTH=off on a non-loopback host and `InvalidSecurityConfigError` for unparsable values.
 *
 * @example
 * const security = readSecurityConfig(process.env, config.host);
 * const limits = rateLimits({ ...security.rates, trustProxy: security.trustProxy });
 */
export function readSecurityConfig(env: NodeJS.ProcessEnv, host: string): SecurityConfig {
  const authMode = resolveAuthMode({ auth: env.AUTH, host });
  const allowedHosts = parseHostList(env.ALLOWED_HOSTS);
  // AUTH=off is only allowed on loopback: one local user is not a crowd, and a chat limit there only stops them
  // (and makes OpenAI SDKs sleep a minute on retry). With AUTH=on the guide's 5 per minute stays the default.
  const chatDefault = authMode === 'off' ? 'off' : DEFAULT_RATES.chat;
  return {
    authMode,
    rates: { chat: readRate(env, 'chat', chatDefault), api: readRate(env, 'api'), login: readRate(env, 'login') },
    trustProxy: readTrustProxy(env.TRUST_PROXY),
    corsOrigins: parseOriginList(env.CORS_ORIGINS),
    allowedHosts,
    // With AUTH=off any page the browser opens could otherwise act as the local user through DNS rebinding.
    checkHost: authMode === 'off' || allowedHosts.length > 0,
  };
}
