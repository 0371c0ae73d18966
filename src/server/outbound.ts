/**
 * Fetching a URL someone registered with mvid (an attribute issuer's status list), under
 * src/core's outbound policy: the URL checked by `checkOutboundUrl`, and in production every
 * address the name resolves to checked at connect time (no DNS rebinding between a check
 * and the request); no redirect followed; bounded in time and size.
 */
import { lookup as dnsLookup } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import { checkOutboundUrl, isPublicAddress, type OutboundPolicy } from '../core/index.ts';

// Not `import … from 'node:http'`: an ES import of node:http builds its whole namespace, whose
// WebSocket/MessageEvent/CloseEvent getters load Node's fetch implementation (undici, ~12 MB
// resident) into a server that never uses it (docs/performance.md, `mvid.rss.idle`).
const { request: httpRequest } = process.getBuiltinModule('node:http');

export type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | Array<{ address: string; family: number }>,
  family?: number,
) => void;
export type Lookup = (hostname: string, options: { all?: boolean | undefined }, callback: LookupCallback) => void;

/**
 * A `lookup` for node:http(s) that refuses a name resolving to any non-public address, so
 * the check holds at connect time (no DNS rebinding between a check and the request).
 */
export function publicOnlyLookup(resolve: Lookup): Lookup {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: addresses.includes(':') ? 6 : 4 }];
      const inside = list.find((a) => !isPublicAddress(a.address));
      if (inside || list.length === 0) {
        const refused = Object.assign(new Error(`${hostname} resolves to a non-public address`), { code: 'EADDRNOTPUBLIC' });
        return callback(refused, []);
      }
      if (options.all) return callback(null, list);
      const first = list[0] as { address: string; family: number };
      return callback(null, first.address, first.family);
    });
  };
}

export interface OutboundFetchOptions {
  policy: OutboundPolicy;
  /** The Accept header. */
  accept: string;
  timeoutMs: number;
  maxBytes: number;
}

/**
 * GETs a registered URL under the policy: the URL checked (`checkOutboundUrl`), in production
 * every resolved address checked at connect time, no redirect followed, the answer bounded in
 * time and size. Returns the body text of a 2xx answer.
 * @throws ValidationError for a URL the policy refuses; Error for anything the fetch met
 */
export function fetchOutboundText(value: string, field: string, options: OutboundFetchOptions): Promise<string> {
  let url: URL;
  try {
    url = checkOutboundUrl(value, field, options.policy);
  } catch (error) {
    return Promise.reject(error);
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { accept: options.accept },
        timeout: options.timeoutMs,
        ...(options.policy.production ? { lookup: publicOnlyLookup(dnsLookup as unknown as Lookup) as never } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          reject(new Error(`${url.href} answered ${status} (redirects are not followed)`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= options.maxBytes) chunks.push(chunk);
          else if (!res.destroyed) {
            reject(new Error(`${url.href} answered more than ${options.maxBytes} bytes`));
            res.destroy();
          }
        });
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', () => reject(new Error(`${url.href}: the answer broke off`)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url.href} did not answer in ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
