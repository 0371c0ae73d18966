/**
 * TEST INFRASTRUCTURE ONLY — a small S3-compatible object server on loopback, so the S3
 * blob store is exercised end to end over real HTTP without a network or a MinIO.
 *
 * It speaks just PutObject, GetObject, HeadObject and DeleteObject, in memory, path-style
 * and virtual-hosted, and it VERIFIES the SigV4 signature of every request the way S3
 * does (known access key, scope, clock skew, signed host/date/payload-hash headers, body
 * hash, HMAC), answering S3's XML errors, so a wrong key or a changed request is refused.
 * `tamper` changes a stored object behind the client's back, as a compromised or broken
 * object store would.
 */
import { createServer, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constantTimeEqual } from '../../src/core/index.ts';
import {
  canonicalRequest,
  credentialScope,
  parseAuthorization,
  type SigV4Credentials,
  sha256Hex,
  signature,
  signingKey,
  stringToSign,
} from '../../src/blobs/index.ts';

export interface S3TestServerOptions {
  credentials: SigV4Credentials[];
  region?: string;
  buckets: string[];
  /** The server's clock, for the skew check (default: the real time). */
  now?: () => Date;
}

export interface S3TestObject {
  bytes: Uint8Array;
  contentType: string;
}

export interface S3TestServer {
  /** `http://127.0.0.1:<port>`, the endpoint for path-style clients. */
  endpoint: string;
  port: number;
  /** Every request: method, bucket, key and the status answered. */
  requests: Array<{ method: string; bucket: string; key: string; status: number; addressing: 'path' | 'virtual' }>;
  object(bucket: string, key: string): S3TestObject | undefined;
  /** Replaces a stored object's bytes without a signed request (a tampered or corrupted store). */
  tamper(bucket: string, key: string, bytes: Uint8Array): void;
  /** Answers the next `count` requests with 503 SlowDown (after verifying them), as a busy S3 does. */
  slowDown(count: number): void;
  close(): Promise<void>;
}

const MAX_SKEW_MS = 15 * 60 * 1000;
const SERVICE_HOSTS = ['127.0.0.1', 'localhost'];

class S3Refusal extends Error {
  readonly status: number;
  readonly s3Code: string;
  constructor(status: number, s3Code: string, message: string) {
    super(message);
    this.status = status;
    this.s3Code = s3Code;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Header values as received (rawHeaders), repeated names joined with ',' as SigV4 wants. */
function receivedHeaders(request: IncomingMessage): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] as string).toLowerCase();
    const value = request.rawHeaders[i + 1] as string;
    headers.set(name, headers.has(name) ? `${headers.get(name)},${value}` : value);
  }
  return headers;
}

/** `20130524T000000Z` → Date */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
}

function verifySignature(request: IncomingMessage, body: Buffer, secrets: Map<string, string>, region: string, now: Date): void {
  const headers = receivedHeaders(request);
  const auth = parseAuthorization(headers.get('authorization') ?? '');
  if (!auth) throw new S3Refusal(403, 'AccessDenied', 'missing or malformed SigV4 Authorization header');
  const secret = secrets.get(auth.accessKeyId);
  if (secret === undefined) throw new S3Refusal(403, 'InvalidAccessKeyId', 'unknown access key');
  const date = headers.get('x-amz-date') ?? '';
  const when = parseAmzDate(date);
  if (!when || auth.date !== date.slice(0, 8) || auth.region !== region || auth.service !== 's3') {
    throw new S3Refusal(400, 'AuthorizationHeaderMalformed', 'credential scope does not match the request');
  }
  if (Math.abs(when.getTime() - now.getTime()) > MAX_SKEW_MS)
    throw new S3Refusal(403, 'RequestTimeTooSkewed', 'request time too far from the server time');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) {
    if (!auth.signedHeaders.includes(required)) throw new S3Refusal(403, 'AccessDenied', `${required} is not signed`);
  }
  for (const name of headers.keys()) {
    if (name.startsWith('x-amz-') && !auth.signedHeaders.includes(name)) throw new S3Refusal(403, 'AccessDenied', `${name} is not signed`);
  }
  const payloadHash = headers.get('x-amz-content-sha256') ?? '';
  if (payloadHash !== sha256Hex(body)) throw new S3Refusal(400, 'XAmzContentSHA256Mismatch', 'body does not hash to x-amz-content-sha256');
  const signed: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headers.get(name);
    if (value === undefined) throw new S3Refusal(403, 'AccessDenied', `signed header ${name} is missing`);
    signed[name] = value;
  }
  const [path = '/', query = ''] = (request.url ?? '/').split(/\?(.*)/s);
  const canonical = canonicalRequest({ method: request.method ?? 'GET', path, query, headers: signed, payloadHash });
  const expected = signature(signingKey(secret, date, region, 's3'), stringToSign(date, credentialScope(date, region, 's3'), canonical));
  if (!constantTimeEqual(Buffer.from(expected), Buffer.from(auth.signature))) {
    throw new S3Refusal(403, 'SignatureDoesNotMatch', 'the request signature we calculated does not match the signature you provided');
  }
}

function sendError(response: ServerResponse, refusal: S3Refusal, head: boolean): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.s3Code}</Code><Message>${refusal.message}</Message></Error>`;
  response.writeHead(refusal.status, { 'content-type': 'application/xml' });
  response.end(head ? undefined : xml);
}

/**
 * Starts the server on an ephemeral loopback port.
 *
 * @example
 * const s3 = await startS3TestServer({ credentials: [{ accessKeyId: 'AK', secretAccessKey: 'SK' }], buckets: ['evidence'] });
 */
export async function startS3TestServer(options: S3TestServerOptions): Promise<S3TestServer> {
  const region = options.region ?? 'us-east-1';
  const now = options.now ?? (() => new Date());
  const secrets = new Map(options.credentials.map((c) => [c.accessKeyId, c.secretAccessKey]));
  const buckets = new Map(options.buckets.map((b) => [b, new Map<string, S3TestObject>()]));
  const requests: S3TestServer['requests'] = [];
  let slowDowns = 0;

  /** Path-style `/<bucket>/<key>` on a service host, or virtual-hosted `<bucket>.<service host>/<key>`. */
  const locate = (request: IncomingMessage): { bucket: string; key: string; addressing: 'path' | 'virtual' } => {
    const hostname = (request.headers.host ?? '').replace(/:\d+$/, '');
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] as string);
    if (SERVICE_HOSTS.includes(hostname)) {
      const [, bucket = '', ...rest] = path.split('/');
      return { bucket, key: rest.join('/'), addressing: 'path' };
    }
    const service = SERVICE_HOSTS.find((h) => hostname.endsWith(`.${h}`));
    if (service === undefined) throw new S3Refusal(400, 'InvalidURI', `unknown host ${hostname}`);
    return { bucket: hostname.slice(0, -service.length - 1), key: path.slice(1), addressing: 'virtual' };
  };

  const server = createServer(async (request, response) => {
    const method = request.method ?? 'GET';
    let where = { bucket: '', key: '', addressing: 'path' as 'path' | 'virtual' };
    try {
      const body = await readBody(request);
      where = locate(request);
      verifySignature(request, body, secrets, region, now());
      if (slowDowns > 0) {
        slowDowns--;
        throw new S3Refusal(503, 'SlowDown', 'please reduce your request rate');
      }
      const objects = buckets.get(where.bucket);
      if (!objects) throw new S3Refusal(404, 'NoSuchBucket', 'the specified bucket does not exist');
      if (where.key === '') throw new S3Refusal(400, 'InvalidRequest', 'only object operations are served');
      if (method === 'PUT') {
        objects.set(where.key, { bytes: new Uint8Array(body), contentType: request.headers['content-type'] ?? 'binary/octet-stream' });
        response.writeHead(200, { etag: `"${sha256Hex(body).slice(0, 32)}"` }).end();
      } else if (method === 'GET' || method === 'HEAD') {
        const object = objects.get(where.key);
        if (!object) throw new S3Refusal(404, 'NoSuchKey', 'the specified key does not exist');
        response.writeHead(200, { 'content-type': object.contentType, 'content-length': String(object.bytes.length) });
        response.end(method === 'HEAD' ? undefined : object.bytes);
      } else if (method === 'DELETE') {
        objects.delete(where.key);
        response.writeHead(204).end();
      } else {
        throw new S3Refusal(405, 'MethodNotAllowed', `${method} is not served`);
      }
    } catch (error) {
      const refusal = error instanceof S3Refusal ? error : new S3Refusal(500, 'InternalError', (error as Error).message);
      sendError(response, refusal, method === 'HEAD');
    }
    requests.push({ method, bucket: where.bucket, key: where.key, status: response.statusCode, addressing: where.addressing });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    object: (bucket, key) => buckets.get(bucket)?.get(key),
    tamper(bucket, key, bytes) {
      const object = buckets.get(bucket)?.get(key);
      if (!object) throw new Error(`no object ${bucket}/${key} to tamper with`);
      object.bytes = bytes;
    },
    slowDown(count) {
      slowDowns = count;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A fetch for virtual-hosted tests: `<bucket>.localhost` names do not resolve on every
 * machine, so this connects to 127.0.0.1 and sends the URL's host in `Host`, as DNS for
 * a real `<bucket>.s3.<region>.amazonaws.com` would. Only plain http to loopback.
 */
export const loopbackFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol !== 'http:' || !url.hostname.endsWith('.localhost'))
    return Promise.reject(new TypeError(`loopbackFetch serves only http://*.localhost, not ${url.origin}`));
  const headers = new Headers(init?.headers);
  headers.set('host', url.host);
  const body = init?.body as Uint8Array | undefined;
  return new Promise<Response>((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: url.port,
        method: init?.method ?? 'GET',
        path: `${url.pathname}${url.search}`,
        headers: Object.fromEntries(headers),
        signal: init?.signal ?? undefined,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
          const status = incoming.statusCode ?? 500;
          const nullBody = init?.method === 'HEAD' || status === 204 || status === 304;
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
};
