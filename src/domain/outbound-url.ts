import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Outbound URLs a tenant controls (docs/security.md, "Outbound calls"). This is the parse-time half: https only,
 * no credentials, no address literal outside the public unicast range. The connect-time half (every resolved
 * address checked again, so DNS cannot point a good name at an internal host) is src/services/safe-http.ts.
 */

/** True for an address on the public internet: not loopback, private, link-local, ULA, CGNAT, metadata, … */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  // ::ffff:10.0.0.1 is 10.0.0.1; NAT64 and 6to4 forms embed an IPv4 address too and are refused as "not unicast".
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  // ipaddr.js names every special-purpose range (private, loopback, linkLocal — 169.254.169.254 is one —,
  // uniqueLocal, carrierGradeNat, reserved, multicast, …); only plain 'unicast' is public.
  return ip.range() === 'unicast';
}

export function outboundUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL';
  if (url.username || url.password) return 'must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host) && !isPublicAddress(host)) return 'must not point at a private or reserved address';
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) {
    return 'must not point at a local host name';
  }
  return undefined;
}

/** An https URL whose host is not a private/reserved address literal (resolved names are checked at connect time). */
export const outboundUrlSchema = z
  .string()
  .max(2048)
  .superRefine((s, ctx) => {
    const problem = outboundUrlProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
