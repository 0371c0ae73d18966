/**
 * The S3-compatible blob store: PutObject, GetObject, HeadObject and DeleteObject, signed
 * with SigV4 (signed payloads: `x-amz-content-sha256` is the body's hash), over Node's
 * fetch. Works with AWS S3 (virtual-hosted addressing) and with MinIO, Garage, Ceph RGW,
 * SeaweedFS and the like (usually path-style addressing).
 *
 * The object store is not trusted with integrity: every GetObject body is re-hashed and
 * refused (`blob_integrity`) unless it hashes to the key it was fetched under.
 */
import { type Clock, MvidError, systemClock } from '../core/index.ts';
import { type BlobStore, checkPut, checkSha256, integrityFailure, isMediaType, MAX_BLOB_BYTES, notFound, verifyBlob } from './blob.ts';
import { sha256Hex, signRequest } from './sigv4.ts';

export interface S3BlobStoreConfig {
  kind: 's3';
  /** e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `true`: `<endpoint>/<bucket>/<key>`; `false` (AWS's default): `<bucket>.<endpoint host>/<key>`. */
  pathStyle: boolean;
  /** Prepended to the hex SHA-256 to make the object key (default `blobs/`). */
  keyPrefix?: string;
  /** Per-request timeout in milliseconds (default 30 s). */
  timeoutMs?: number;
  clock?: Clock;
  /** The fetch to use (default: Node's); tests route virtual-hosted names to loopback with it. */
  fetch?: typeof fetch;
}

const EMPTY_SHA256 = sha256Hex('');
const ATTEMPTS = 2;
const RETRY_PAUSE_MS = 200;
const RETRYABLE = new Set([500, 502, 503, 504]);
type S3Method = 'PUT' | 'GET' | 'HEAD' | 'DELETE';

/** The base URL objects hang under, for either addressing style. */
export function s3BaseUrl(config: Pick<S3BlobStoreConfig, 'endpoint' | 'bucket' | 'pathStyle'>): string {
  const endpoint = new URL(config.endpoint);
  const basePath = endpoint.pathname.replace(/\/+$/, '');
  if (config.pathStyle) return `${endpoint.origin}${basePath}/${encodeURIComponent(config.bucket)}/`;
  return `${endpoint.protocol}//${config.bucket}.${endpoint.host}${basePath}/`;
}

/** S3 names the failure in `<Code>` of an XML body; good enough for a log line. */
async function s3ErrorCode(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ?? `HTTP ${response.status}`;
}

/** Reads a body, refusing more than `limit` bytes whatever Content-Length said. */
async function readBounded(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > limit) return undefined;
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * @example
 * const blobs = openS3BlobStore({ kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'mvid', region: 'us-east-1', accessKeyId, secretAccessKey, pathStyle: true });
 */
export function openS3BlobStore(config: S3BlobStoreConfig): BlobStore {
  if (config.bucket === '' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(config.bucket))
    throw new TypeError(`invalid S3 bucket name ${JSON.stringify(config.bucket)}`);
  const base = s3BaseUrl(config);
  const prefix = config.keyPrefix ?? 'blobs/';
  const clock = config.clock ?? systemClock;
  const fetchImpl = config.fetch ?? fetch;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey };

  async function attempt(
    method: S3Method,
    url: URL,
    payloadHash: string,
    body: Uint8Array | undefined,
    headers: Record<string, string>,
  ): Promise<Response> {
    const signed = signRequest({ method, url, headers, payloadHash, credentials, region: config.region, service: 's3', now: clock.now() });
    // fetch sets Host from the URL itself (the same value that was signed).
    delete signed.host;
    return fetchImpl(url, { method, headers: signed, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(timeoutMs) });
  }

  /**
   * Every call here is idempotent (the key is the content's hash), so a network failure or a
   * 500/503 (S3's "slow down") is retried once, re-signed, after a short pause.
   */
  async function send(method: S3Method, sha256: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
    const url = new URL(`${prefix}${sha256}`, base);
    const payloadHash = body === undefined ? EMPTY_SHA256 : sha256Hex(body);
    for (let tries = 1; ; tries++) {
      try {
        const response = await attempt(method, url, payloadHash, body, headers);
        if (tries >= ATTEMPTS || !RETRYABLE.has(response.status)) return response;
        await response.body?.cancel();
      } catch (error) {
        if (tries >= ATTEMPTS)
          throw new MvidError('storage_unavailable', `S3 ${method} ${url.host} failed: ${(error as Error).message}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }

  async function refused(method: string, response: Response): Promise<MvidError> {
    const code = await s3ErrorCode(response);
    return new MvidError('storage_unavailable', `S3 ${method} refused (${response.status} ${code})`);
  }

  return {
    async put(bytes, contentType) {
      const blob = checkPut(bytes, contentType);
      // Already there with the right length: a content-addressed put has nothing to add.
      const head = await send('HEAD', blob.sha256);
      if (head.ok && Number(head.headers.get('content-length')) === blob.size) {
        const stored = head.headers.get('content-type') ?? '';
        return { ...blob, contentType: isMediaType(stored) ? stored : contentType };
      }
      if (!head.ok && head.status !== 404) throw await refused('HEAD', head);
      const response = await send('PUT', blob.sha256, bytes, { 'content-type': contentType });
      if (!response.ok) throw await refused('PUT', response);
      await response.body?.cancel();
      return blob;
    },
    async get(sha256) {
      checkSha256(sha256);
      const response = await send('GET', sha256);
      if (response.status === 404) {
        await response.body?.cancel();
        throw notFound(sha256);
      }
      if (!response.ok) throw await refused('GET', response);
      const bytes = await readBounded(response, MAX_BLOB_BYTES);
      if (bytes === undefined) throw integrityFailure(sha256, `the object store returned more than ${MAX_BLOB_BYTES} bytes`);
      verifyBlob(sha256, bytes);
      const stored = response.headers.get('content-type') ?? '';
      return { bytes, contentType: isMediaType(stored) ? stored : 'application/octet-stream' };
    },
    async delete(sha256) {
      checkSha256(sha256);
      const response = await send('DELETE', sha256);
      // S3 answers 204 whether or not the object existed; some servers say 404.
      if (!response.ok && response.status !== 404) throw await refused('DELETE', response);
      await response.body?.cancel();
    },
  };
}
