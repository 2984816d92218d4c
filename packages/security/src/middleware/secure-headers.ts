import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders as honoSecureHeaders } from 'hono/secure-headers';

export interface SecureHeadersOptions {
  /** Extra `connect-src` sources (e.g. a separate API origin). Defaults to none beyond `'self'`. */
  connectSrc?: string[];
  /** Extra `img-src` sources. Defaults to none beyond `'self' data: blob:`. */
  imgSrc?: string[];
  /** Send Strict-Transport-Security. Defaults to false: only set it when served over https for good. */
  hsts?: boolean;
}

/**
 * hono/secure-headers with Chat Studio's policy: a CSP that forbids inline and foreign script
 * (`script-src 'self'`, `object-src 'none'`, `base-uri 'self'`, `frame-ancestors 'none'`),
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`.
 * Inline styles stay allowed: they can't run code and rendered markdown/highlighting uses them.
 *
 * @example
 * app.use('*', secureHeaders());
 */
export function secureHeaders(options: SecureHeadersOptions = {}): MiddlewareHandler {
  return honoSecureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:', ...(options.imgSrc ?? [])],
      connectSrc: ["'self'", ...(options.connectSrc ?? [])],
      fontSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
    xFrameOptions: 'DENY',
    strictTransportSecurity: options.hsts ? 'max-age=15552000; includeSubDomains' : false,
    // Chromium ignores X-XSS-Protection; "0" is the current advice (the old auditor could be abused).
    xXssProtection: '0',
  });
}

/**
 * The headers {@link secureHeaders} sets on a response, read once from a probe request, as `[name, value]` pairs
 * (lower-case names): for servers that write them without a fetch `Headers` object (apps/api's fastSecureHeaders).
 *
 * @example
 * const list = await secureHeaderList();
 */
export async function secureHeaderList(options: SecureHeadersOptions = {}): Promise<[string, string][]> {
  const probe = new Hono().use(secureHeaders(options)).get('/', (c) => c.body(null));
  const res = await probe.request('/');
  return [...res.headers];
}
