import { isIPv4, isIPv6 } from 'node:net';

/**
 * True when a listen host is reachable only from this machine: `localhost`, 127.0.0.0/8, `::1`
 * (also bracketed, or IPv4-mapped `::ffff:127.x.y.z`). Wildcards (`0.0.0.0`, `::`) and every other
 * address are not loopback.
 *
 * @example
 * isLoopbackHost('127.0.0.1') // true
 * isLoopbackHost('0.0.0.0')   // false
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h.startsWith('::ffff:') && isIPv4(h.slice(7))) h = h.slice(7);
  if (isIPv4(h)) return h.split('.')[0] === '127';
  if (isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}
