/**
 * The S3 blob store end to end over HTTP, against the loopback S3 server of
 * test/support/s3-test-server.ts, which verifies the SigV4 signature of every request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../core/index.ts';
import { loopbackFetch, type S3TestServer, startS3TestServer } from '../../test/support/s3-test-server.ts';
import { type BlobStore, openBlobStore, type S3BlobStoreConfig, s3BaseUrl, sha256Hex, signRequest } from './index.ts';

const KEY = { accessKeyId: 'MVIDTESTACCESSKEY', secretAccessKey: 'mvid-test-secret-0123456789' };
const BUCKET = 'mvid-evidence';
const text = (s: string) => new TextEncoder().encode(s);

let server: S3TestServer;
before(async () => {
  server = await startS3TestServer({ credentials: [KEY], buckets: [BUCKET, 'other-bucket'], region: 'eu-central-1' });
});
after(() => server.close());

function s3(overrides: Partial<S3BlobStoreConfig> = {}): S3BlobStoreConfig {
  return { kind: 's3', endpoint: server.endpoint, bucket: BUCKET, region: 'eu-central-1', ...KEY, pathStyle: true, ...overrides };
}

async function rejectsWith(code: string, promise: Promise<unknown>, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message ?? '', message);
    return true;
  });
}

function requestsSince(start: number) {
  return server.requests.slice(start).map((r) => `${r.method} ${r.status}`);
}

describe('S3 blob store against a signature-verifying S3 server', () => {
  it('puts, gets and deletes with path-style addressing', async () => {
    const store = openBlobStore(s3());
    const bytes = text('2026-12-06 tom: the plaza is mine\n');
    const stored = await store.put(bytes, 'text/plain');
    assert.deepEqual(stored, { sha256: sha256Hex(bytes), size: bytes.length, contentType: 'text/plain' });
    const object = server.object(BUCKET, `blobs/${stored.sha256}`);
    assert.equal(object?.contentType, 'text/plain');
    const back = await store.get(stored.sha256);
    assert.deepEqual(Buffer.from(back.bytes), Buffer.from(bytes));
    assert.equal(back.contentType, 'text/plain');
    await store.delete(stored.sha256);
    assert.equal(server.object(BUCKET, `blobs/${stored.sha256}`), undefined);
    await rejectsWith('blob_not_found', store.get(stored.sha256));
    await store.delete(stored.sha256);
    assert.ok(
      server.requests.every((r) => r.status !== 403),
      'every request was correctly signed',
    );
  });

  it('puts and gets with virtual-hosted addressing (<bucket>.<endpoint host>)', async () => {
    const endpoint = `http://localhost:${server.port}`;
    assert.equal(s3BaseUrl({ endpoint, bucket: BUCKET, pathStyle: false }), `http://${BUCKET}.localhost:${server.port}/`);
    assert.equal(
      s3BaseUrl({ endpoint: 'https://s3.eu-central-1.amazonaws.com', bucket: BUCKET, pathStyle: false }),
      `https://${BUCKET}.s3.eu-central-1.amazonaws.com/`,
    );
    assert.equal(s3BaseUrl({ endpoint: 'http://minio:9000/', bucket: BUCKET, pathStyle: true }), `http://minio:9000/${BUCKET}/`);
    const store = openBlobStore(s3({ endpoint, pathStyle: false, fetch: loopbackFetch }));
    const start = server.requests.length;
    const bytes = text('virtual-hosted evidence');
    const { sha256 } = await store.put(bytes, 'text/plain');
    assert.deepEqual(Buffer.from((await store.get(sha256)).bytes), Buffer.from(bytes));
    const seen = server.requests.slice(start);
    assert.ok(
      seen.length >= 2 &&
        seen.every(
          (r) => r.addressing === 'virtual' && r.bucket === BUCKET && (r.status < 300 || (r.method === 'HEAD' && r.status === 404)),
        ),
      JSON.stringify(seen),
    );
  });

  it('put is idempotent: a blob already stored is not uploaded again', async () => {
    const store = openBlobStore(s3());
    const bytes = text('the same screenshot, reported twice');
    const first = await store.put(bytes, 'text/plain');
    const start = server.requests.length;
    const second = await store.put(bytes, 'text/plain');
    assert.deepEqual(second, first);
    assert.deepEqual(requestsSince(start), ['HEAD 200']);
  });

  it('detects an object modified on the server and never returns its bytes', async () => {
    const store = openBlobStore(s3());
    const bytes = text('original evidence');
    const { sha256 } = await store.put(bytes, 'text/plain');
    server.tamper(BUCKET, `blobs/${sha256}`, text('0riginal evidence'));
    await rejectsWith('blob_integrity', store.get(sha256));
    server.tamper(BUCKET, `blobs/${sha256}`, text(''));
    await rejectsWith('blob_integrity', store.get(sha256));
  });

  it('a wrong secret is refused by the server: SignatureDoesNotMatch, nothing stored', async () => {
    const store = openBlobStore(s3({ secretAccessKey: `${KEY.secretAccessKey}-wrong` }));
    const bytes = text('written with the wrong key');
    const start = server.requests.length;
    // HEAD answers carry no body, so only the status names the refusal.
    await rejectsWith('storage_unavailable', store.put(bytes, 'text/plain'), /HEAD refused \(403/);
    assert.equal(server.object(BUCKET, `blobs/${sha256Hex(bytes)}`), undefined);
    assert.deepEqual(requestsSince(start), ['HEAD 403']);
    await rejectsWith('storage_unavailable', store.get(sha256Hex(bytes)), /SignatureDoesNotMatch/);
  });

  it('an unknown access key, another region or a skewed clock is refused', async () => {
    await rejectsWith('storage_unavailable', openBlobStore(s3({ accessKeyId: 'NOSUCHKEY' })).get(sha256Hex('x')), /InvalidAccessKeyId/);
    await rejectsWith(
      'storage_unavailable',
      openBlobStore(s3({ region: 'us-east-1' })).get(sha256Hex('x')),
      /AuthorizationHeaderMalformed/,
    );
    const clock = new ManualClock(Date.now() - 60 * 60 * 1000);
    await rejectsWith('storage_unavailable', openBlobStore(s3({ clock })).get(sha256Hex('x')), /RequestTimeTooSkewed/);
  });

  it('the test server refuses a signed request whose body, path or header was changed in flight', async () => {
    const bytes = text('signed body');
    const url = new URL(`${server.endpoint}/${BUCKET}/blobs/${sha256Hex(bytes)}`);
    const sign = () =>
      signRequest({
        method: 'PUT',
        url,
        headers: { 'content-type': 'text/plain' },
        payloadHash: sha256Hex(bytes),
        credentials: KEY,
        region: 'eu-central-1',
        service: 's3',
        now: new Date(),
      });
    const send = async (target: URL, headers: Record<string, string>, body: Uint8Array) => {
      const { host: _host, ...rest } = headers;
      const response = await fetch(target, { method: 'PUT', headers: rest, body });
      return `${response.status} ${/<Code>(\w+)</.exec(await response.text())?.[1] ?? ''}`.trim();
    };
    assert.equal(await send(url, sign(), text('swapped body')), '400 XAmzContentSHA256Mismatch');
    const swapped = sign();
    swapped['x-amz-content-sha256'] = sha256Hex('swapped body');
    assert.equal(await send(url, swapped, text('swapped body')), '403 SignatureDoesNotMatch');
    assert.equal(
      await send(new URL(`${server.endpoint}/other-bucket/blobs/${sha256Hex(bytes)}`), sign(), bytes),
      '403 SignatureDoesNotMatch',
    );
    assert.equal(await send(url, { ...sign(), 'content-type': 'text/html' }, bytes), '403 SignatureDoesNotMatch');
    assert.equal(await send(url, { ...sign(), 'x-amz-meta-extra': '1' }, bytes), '403 AccessDenied');
    assert.equal(await send(url, sign(), bytes), '200');
  });

  it('retries once, re-signed, when S3 says slow down; a second refusal is storage_unavailable', async () => {
    const store = openBlobStore(s3());
    const bytes = text('evidence during a busy hour');
    let start = server.requests.length;
    server.slowDown(1);
    const { sha256 } = await store.put(bytes, 'text/plain');
    assert.deepEqual(requestsSince(start), ['HEAD 503', 'HEAD 404', 'PUT 200']);
    start = server.requests.length;
    server.slowDown(2);
    await rejectsWith('storage_unavailable', store.get(sha256), /503 SlowDown/);
    assert.deepEqual(requestsSince(start), ['GET 503', 'GET 503']);
    assert.deepEqual(Buffer.from((await store.get(sha256)).bytes), Buffer.from(bytes));
  });

  it('a missing bucket or an unreachable endpoint is storage_unavailable, not a crash', async () => {
    await rejectsWith('storage_unavailable', openBlobStore(s3({ bucket: 'no-such-bucket' })).put(text('x'), 'text/plain'), /NoSuchBucket/);
    const closed = await startS3TestServer({ credentials: [KEY], buckets: [BUCKET] });
    await closed.close();
    await rejectsWith('storage_unavailable', openBlobStore(s3({ endpoint: closed.endpoint, timeoutMs: 2000 })).get(sha256Hex('x')));
  });

  it('validates names and bucket before any request', async () => {
    const store: BlobStore = openBlobStore(s3());
    const start = server.requests.length;
    await rejectsWith('validation_failed', store.get('../../other-bucket/x'));
    await rejectsWith('validation_failed', store.delete('ABC'));
    assert.equal(server.requests.length, start);
    assert.throws(() => openBlobStore(s3({ bucket: 'Bad_Bucket' })), TypeError);
  });
});
