/**
 * AWS Signature Version 4 (header form, single-chunk signed payload), on node:crypto.
 *
 * Written here rather than taken from the AWS SDK: the blob store needs four S3 calls
 * (PutObject, GetObject, HeadObject, DeleteObject), and the SDK would bring dozens of
 * packages for them. The pieces are exported separately so that they can be checked
 * against AWS's published worked examples (canonical request, string to sign, signature)
 * and so that the loopback S3 server of the tests can verify what the client sends.
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What is signed: the request as it goes on the wire. */
export interface CanonicalInput {
  method: string;
  /** The path as sent (percent-encoded or not: it is normalised to the S3 encoding). */
  path: string;
  /** The raw query string, without `?` ('' for none). */
  query: string;
  /** Header name → value; names in any case. Only these headers are signed. */
  headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body, as in `x-amz-content-sha256`. */
  payloadHash: string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else `%XX` of its UTF-8 bytes. */
export function uriEncode(text: string, encodeSlash: boolean): string {
  let out = '';
  for (const char of text) {
    if (UNRESERVED.test(char) || (char === '/' && !encodeSlash)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes `%XX` sequences only (a `+` stays a `+`, as S3 reads paths and queries). */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The S3 canonical URI: each segment decoded once and encoded once, so `$` and `%24` sign alike. */
export function canonicalUri(path: string): string {
  const normalised = path === '' ? '/' : path;
  return normalised
    .split('/')
    .map((segment) => uriEncode(percentDecode(segment), true))
    .join('/');
}

/** Parameters sorted by encoded name then value; a bare `name` becomes `name=`. */
export function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      return [uriEncode(percentDecode(name), true), uriEncode(percentDecode(value), true)] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function canonicalHeaderEntries(headers: Readonly<Record<string, string>>): Array<[string, string]> {
  const merged = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase().trim();
    const list = merged.get(key) ?? [];
    list.push(value.trim().replace(/\s+/g, ' '));
    merged.set(key, list);
  }
  return [...merged.entries()].map(([name, values]) => [name, values.join(',')] as [string, string]).sort(([a], [b]) => (a < b ? -1 : 1));
}

/** `host;range;x-amz-date`: the lower-case names of the signed headers, sorted. */
export function signedHeaderNames(headers: Readonly<Record<string, string>>): string {
  return canonicalHeaderEntries(headers)
    .map(([name]) => name)
    .join(';');
}

export function canonicalRequest(input: CanonicalInput): string {
  const entries = canonicalHeaderEntries(input.headers);
  return [
    input.method.toUpperCase(),
    canonicalUri(input.path),
    canonicalQuery(input.query),
    ...entries.map(([name, value]) => `${name}:${value}`),
    '',
    entries.map(([name]) => name).join(';'),
    input.payloadHash,
  ].join('\n');
}

/** `20130524T000000Z` */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date.slice(0, 8)}/${region}/${service}/aws4_request`;
}

export function stringToSign(amzDateTime: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDateTime, scope, sha256Hex(canonical)].join('\n');
}

const hmac = (key: Uint8Array | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secretAccessKey}`, date.slice(0, 8));
  return hmac(hmac(hmac(kDate, region), service), 'aws4_request');
}

export function signature(key: Uint8Array, toSign: string): string {
  return createHmac('sha256', key).update(toSign).digest('hex');
}

export interface SignOptions {
  method: string;
  url: URL;
  /** Extra headers to send and sign (e.g. content-type, range); host, x-amz-date and x-amz-content-sha256 are added. */
  headers?: Readonly<Record<string, string>>;
  payloadHash: string;
  credentials: SigV4Credentials;
  region: string;
  service: string;
  now: Date;
}

/**
 * Signs a request: returns the headers to send (the caller's, plus `host`, `x-amz-date`,
 * `x-amz-content-sha256` and `authorization`). `host` is the URL's host, which is what
 * fetch will send.
 *
 * @example
 * const headers = signRequest({ method: 'GET', url, payloadHash: sha256Hex(''), credentials, region: 'us-east-1', service: 's3', now: new Date() });
 */
export function signRequest(options: SignOptions): Record<string, string> {
  const date = amzDate(options.now);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    host: options.url.host,
    'x-amz-date': date,
    'x-amz-content-sha256': options.payloadHash,
  };
  const canonical = canonicalRequest({
    method: options.method,
    path: options.url.pathname,
    query: options.url.search.replace(/^\?/, ''),
    headers,
    payloadHash: options.payloadHash,
  });
  const scope = credentialScope(date, options.region, options.service);
  const key = signingKey(options.credentials.secretAccessKey, date, options.region, options.service);
  const sig = signature(key, stringToSign(date, scope, canonical));
  headers.authorization = `${SIGV4_ALGORITHM} Credential=${options.credentials.accessKeyId}/${scope},SignedHeaders=${signedHeaderNames(headers)},Signature=${sig}`;
  return headers;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` value; undefined if malformed. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const match =
    /^AWS4-HMAC-SHA256 +Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request *, *SignedHeaders=([a-z0-9;-]+) *, *Signature=([0-9a-f]{64})$/.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, signed, sig] = match as unknown as [string, string, string, string, string, string, string];
  return { accessKeyId, date, region, service, signedHeaders: signed.split(';'), signature: sig };
}
