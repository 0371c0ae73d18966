/**
 * URLs that others register with mvid (a world's redirect and logo URLs, an attribute
 * issuer's status lists) and that mvid — or a browser on mvid's pages — will go to. Against
 * server-side request forgery:
 *  - only the allow-listed schemes (https; http in development, on loopback for a world);
 *  - in production never a loopback, link-local, private, shared, multicast or reserved
 *    address, however it is spelt: the WHATWG URL parser normalises decimal, octal and hex
 *    IPv4 (`2130706433`, `0177.0.0.1`, `0x7f.1`), and an IPv6 literal is checked for the IPv4
 *    it embeds (`[::ffff:127.0.0.1]`, NAT64, 6to4);
 *  - where mvid itself fetches (src/server outbound.ts), the name is resolved and every
 *    address checked at connect time, so a DNS name pointing inside (or rebinding to it) is
 *    refused too, and redirects are not followed.
 * No Node module here: src/core is bundled for the browser too.
 */
import { ValidationError } from './errors.ts';

/** IPv4 ranges that are not the public internet (RFC 6890 and friends): [network, prefix length]. */
/** 4 for a dotted IPv4 address, 6 for an IPv6 one (no brackets), 0 otherwise. */
export function ipVersion(text: string): 0 | 4 | 6 {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) return v4.slice(1).every((p) => Number(p) <= 255 && (p === '0' || !p.startsWith('0'))) ? 4 : 0;
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return 0;
  try {
    new URL(`http://[${text}]/`);
    return 6;
  } catch {
    return 0;
  }
}

const PRIVATE_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];

function v4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function v4IsPublic(ip: string): boolean {
  const n = v4Number(ip);
  return !PRIVATE_V4.some(([net, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(v4Number(net) / 2 ** (32 - bits)));
}

/** The eight 16-bit groups of an IPv6 address (with an embedded dotted IPv4 expanded). */
function v6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const n = v4Number(dotted);
    text = `${text.slice(0, -dotted.length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].map((g) => Number.parseInt(g, 16));
}

function v6IsPublic(ip: string): boolean {
  const g = v6Groups(ip);
  if (g.length !== 8 || g.some((x) => !Number.isInteger(x))) return false;
  const [a = 0, b = 0] = g;
  const v4At = (i: number) => `${(g[i] ?? 0) >> 8}.${(g[i] ?? 0) & 255}.${(g[i + 1] ?? 0) >> 8}.${(g[i + 1] ?? 0) & 255}`;
  if (g.slice(0, 6).every((x) => x === 0)) return false; // ::, ::1, and IPv4-compatible ::a.b.c.d
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return v4IsPublic(v4At(6)); // IPv4-mapped
  if (a === 0x64 && b === 0xff9b) return v4IsPublic(v4At(6)); // NAT64
  if (a === 0x2002) return v4IsPublic(v4At(1)); // 6to4
  if (a === 0x2001 && b === 0) return false; // Teredo
  if (a === 0x2001 && b === 0xdb8) return false; // documentation
  if ((a & 0xfe00) === 0xfc00) return false; // unique local
  if ((a & 0xffc0) === 0xfe80 || (a & 0xffc0) === 0xfec0) return false; // link- and site-local
  if ((a & 0xff00) === 0xff00) return false; // multicast
  return true;
}

/** Whether an IP address (v4 or v6, brackets allowed) is on the public internet. */
export function isPublicAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const kind = ipVersion(ip);
  if (kind === 4) return v4IsPublic(ip);
  if (kind === 6) return v6IsPublic(ip);
  return false;
}

const LOOPBACK_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)\.?$|\.localhost\.?$/i;

/** Whether a URL host is loopback (a name that means this machine, or a loopback address). */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_NAMES.test(hostname)) return true;
  const ip = hostname.replace(/^\[|\]$/g, '');
  if (ipVersion(ip) === 4) return ip.startsWith('127.');
  if (ipVersion(ip) !== 6) return false;
  const g = v6Groups(ip);
  const zeros = g.slice(0, 5).every((x) => x === 0);
  return (zeros && g[5] === 0 && g[6] === 0 && g[7] === 1) || (zeros && g[5] === 0xffff && (g[6] ?? 0) >> 8 === 0x7f);
}

/** Host names that never name a public service (this machine, mDNS, private zones). */
const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)\.?$/i;

export interface OutboundPolicy {
  /** Production: https only, public hosts only. */
  production: boolean;
  /** Development: http is allowed on a loopback host only (`loopback`) or anywhere (`any`). Default `loopback`. */
  devHttp?: 'loopback' | 'any';
}

/**
 * Checks a URL someone registers or hands mvid against the policy; returns the parsed URL.
 * A DNS name is checked here by name only; `publicOnlyLookup` checks what it resolves to.
 * @throws ValidationError naming `field`
 */
export function checkOutboundUrl(value: string, field: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(`${field} is not an absolute URL`, field);
  }
  const loopback = isLoopbackHost(url.hostname);
  const httpAllowed = !policy.production && (policy.devHttp === 'any' || loopback);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed)) {
    throw new ValidationError(
      policy.production ? `${field} must use https` : `${field} must use https (http only on a loopback host)`,
      field,
    );
  }
  if (url.username !== '' || url.password !== '') throw new ValidationError(`${field} must not carry credentials`, field);
  if (policy.production) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = ipVersion(host) !== 0;
    if (loopback || (literal && !isPublicAddress(host)) || (!literal && (INTERNAL_NAMES.test(host) || !host.includes('.')))) {
      throw new ValidationError(`${field} must name a public host (no loopback, private or link-local address)`, field);
    }
  }
  return url;
}
