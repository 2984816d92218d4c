import { createMiddleware } from 'hono/factory';
import { isLoopbackHost } from '../auth-mode/index.js';
import { ForbiddenHostError } from '../errors/index.js';

export interface HostCheckOptions {
  /** Host names (no port) accepted besides loopback names (ALLOWED_HOSTS). Defaults to none. */
  allowedHosts?: string[];
}

/**
 * The host name of a `Host` header value without its port, lower-cased: `evil.example:5000` → `evil.example`,
 * `[::1]:5000` → `::1`. An empty name (`:5000`, ``) gives `''`.
 */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : '';
  }
  const colon = h.indexOf(':');
  // More than one colon without brackets is a bare IPv6 address, which a Host header never carries.
  if (colon !== h.lastIndexOf(':')) return '';
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** ALLOWED_HOSTS as a list of lower-cased host names; ports are ignored. */
export function parseHostList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => hostName(s) || s.toLowerCase());
}

/** The raw `Host` header the socket received (under @hono/node-server), else the one Hono parsed into the URL. */
function rawHost(c: Parameters<Parameters<typeof createMiddleware>[0]>[0]): string | undefined {
  const env = c.env as { incoming?: { headers?: Record<string, string | string[] | undefined> } } | undefined;
  const fromSocket = env?.incoming?.headers?.host;
  if (typeof fromSocket === 'string') return fromSocket;
  return c.req.header('host') ?? new URL(c.req.url).host;
}

/**
 * Refuses (`ForbiddenHostError`, 403) every request whose `Host` is neither a loopback name (`localhost`,
 * 127.0.0.0/8, `[::1]`) nor in `allowedHosts`, before any route runs. This is what stops DNS rebinding: a page on
 * `evil.example` whose name later resolves to 127.0.0.1 still sends `Host: evil.example`, so it never reaches the
 * local user's chats. A request without a host name (`Host: :5000`) is refused too.
 *
 * @example
 * app.use(hostCheck({ allowedHosts: parseHostList(process.env.ALLOWED_HOSTS) }));
 */
export function hostCheck(options: HostCheckOptions = {}) {
  const allowed = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  // `Host` values already accepted, as sent: the same few arrive on every request, and parsing one (two IP-address
  // checks) cost more than this look-up (issue #18). Bounded, since 127.0.0.0/8 and ports give many spellings;
  // refused values are never kept.
  const accepted = new Set<string>();
  return createMiddleware(async (c, next) => {
    const header = rawHost(c) ?? '';
    if (accepted.has(header)) return next();
    const name = hostName(header);
    if (name !== '' && (isLoopbackHost(name) || allowed.has(name))) {
      if (accepted.size >= ACCEPTED_HOSTS_KEPT) accepted.clear();
      accepted.add(header);
      return next();
    }
    throw new ForbiddenHostError(header);
  });
}

/** Accepted `Host` values {@link hostCheck} remembers before starting over. */
const ACCEPTED_HOSTS_KEPT = 64;
