import type { Context } from 'hono';
import type { TrustProxy } from './security-env.js';

function hops(trustProxy: TrustProxy | undefined): number {
  if (trustProxy === true) return 1;
  if (typeof trustProxy === 'number' && Number.isInteger(trustProxy) && trustProxy > 0) return trustProxy;
  return 0;
}

function firstHeaderValue(c: Context, name: string): string | undefined {
  return c.req.header(name)?.split(',')[0]?.trim() || undefined;
}

/**
 * The client's IP address. Without a trusted proxy it is the socket's peer address
 * (`c.env.incoming.socket.remoteAddress` under @hono/node-server); headers are ignored because
 * any client can send them. With `trustProxy` = n, it is the n-th `X-Forwarded-For` entry
 * from the right, the one our own proxy appended. Returns `'unknown'` when neither is available.
 *
 * @example
 * clientIp(c)                      // '203.0.113.7'
 * clientIp(c, { trustProxy: true }) // last X-Forwarded-For entry
 */
export function clientIp(c: Context, options: { trustProxy?: TrustProxy } = {}): string {
  const n = hops(options.trustProxy);
  if (n > 0) {
    const chain = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const fromProxy = chain[Math.max(0, chain.length - n)];
    if (fromProxy) return normalizeIp(fromProxy);
    const real = c.req.header('x-real-ip')?.trim();
    if (real) return normalizeIp(real);
  }
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const socketAddress = env?.incoming?.socket?.remoteAddress;
  return socketAddress ? normalizeIp(socketAddress) : 'unknown';
}

function normalizeIp(ip: string): string {
  const lower = ip.toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
}

/** True when the browser reached us over https (directly, or per `X-Forwarded-Proto` from a trusted proxy). */
export function isHttpsRequest(c: Context, options: { trustProxy?: TrustProxy } = {}): boolean {
  if (hops(options.trustProxy) > 0) {
    const proto = firstHeaderValue(c, 'x-forwarded-proto');
    if (proto) return proto.toLowerCase() === 'https';
  }
  return new URL(c.req.url).protocol === 'https:';
}

/** The origin the browser sees for this request (scheme://host[:port]). */
export function requestOrigin(c: Context, options: { trustProxy?: TrustProxy } = {}): string {
  const url = new URL(c.req.url);
  if (hops(options.trustProxy) > 0) {
    const host = firstHeaderValue(c, 'x-forwarded-host') ?? url.host;
    return `${isHttpsRequest(c, options) ? 'https' : 'http'}://${host}`;
  }
  return url.origin;
}
