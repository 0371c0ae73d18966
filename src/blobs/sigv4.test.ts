/**
 * The SigV4 signer against AWS's published worked examples (vendored with provenance in
 * test/fixtures/vectors/sigv4-s3-examples.json): every intermediate value, not only the
 * final signature, so a mistake is located where it is made.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../test/support/engines.ts';
import {
  amzDate,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  parseAuthorization,
  sha256Hex,
  signature,
  signingKey,
  signRequest,
  stringToSign,
  uriEncode,
} from './index.ts';

interface Example {
  name: string;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  canonicalRequest: string[];
  stringToSign: string[];
  signature: string;
  authorization: string;
}

const vectors = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'vectors', 'sigv4-s3-examples.json'), 'utf8')) as {
  accessKeyId: string;
  secretAccessKey: string;
  amzDate: string;
  region: string;
  service: string;
  host: string;
  signingKey: string;
  examples: Example[];
};
const credentials = { accessKeyId: vectors.accessKeyId, secretAccessKey: vectors.secretAccessKey };
const at = new Date('2013-05-24T00:00:00Z');

describe('SigV4 against the AWS S3 documentation examples', () => {
  it('derives the documented signing key', () => {
    assert.equal(amzDate(at), vectors.amzDate);
    assert.equal(signingKey(vectors.secretAccessKey, vectors.amzDate, vectors.region, vectors.service).toString('hex'), vectors.signingKey);
  });

  assert.equal(vectors.examples.length, 4);
  for (const example of vectors.examples) {
    it(`${example.name}: canonical request, string to sign, signature and header`, () => {
      const payloadHash = sha256Hex(example.body);
      const headers = { ...example.headers, host: vectors.host, 'x-amz-date': vectors.amzDate, 'x-amz-content-sha256': payloadHash };
      const canonical = canonicalRequest({ method: example.method, path: example.path, query: example.query, headers, payloadHash });
      assert.equal(canonical, example.canonicalRequest.join('\n'));
      const toSign = stringToSign(vectors.amzDate, credentialScope(vectors.amzDate, vectors.region, vectors.service), canonical);
      assert.equal(toSign, example.stringToSign.join('\n'));
      assert.equal(signature(Buffer.from(vectors.signingKey, 'hex'), toSign), example.signature);

      const url = new URL(`https://${vectors.host}${example.path}${example.query ? `?${example.query}` : ''}`);
      const signed = signRequest({
        method: example.method,
        url,
        headers: example.headers,
        payloadHash,
        credentials,
        region: vectors.region,
        service: 's3',
        now: at,
      });
      assert.equal(signed.authorization, example.authorization);
      assert.equal(signed['x-amz-content-sha256'], payloadHash);
      assert.equal(signed.host, vectors.host);
    });
  }
});

describe('SigV4 canonical forms', () => {
  it('encodes like AWS: unreserved kept, the rest as upper-case %XX of UTF-8, slash only in keys', () => {
    assert.equal(uriEncode("a b+c!'()*~$", true), 'a%20b%2Bc%21%27%28%29%2A~%24');
    assert.equal(uriEncode('a/b', false), 'a/b');
    assert.equal(uriEncode('a/b', true), 'a%2Fb');
    assert.equal(uriEncode('ключ', true), '%D0%BA%D0%BB%D1%8E%D1%87');
    assert.equal(uriEncode('😀', true), '%F0%9F%98%80');
  });

  it('signs an encoded and an unencoded path alike, without double encoding', () => {
    assert.equal(canonicalUri('/test$file.text'), '/test%24file.text');
    assert.equal(canonicalUri('/test%24file.text'), '/test%24file.text');
    assert.equal(canonicalUri('/a%20b/c d'), '/a%20b/c%20d');
    assert.equal(canonicalUri(''), '/');
  });

  it('sorts query parameters and gives bare names an empty value', () => {
    assert.equal(canonicalQuery('prefix=J&max-keys=2'), 'max-keys=2&prefix=J');
    assert.equal(canonicalQuery('uploads'), 'uploads=');
    assert.equal(canonicalQuery('b=2&a=%2B&a=x y'), 'a=%2B&a=x%20y&b=2');
    assert.equal(canonicalQuery(''), '');
  });

  it('trims header values, collapses inner spaces and joins repeated names', () => {
    const canonical = canonicalRequest({
      method: 'get',
      path: '/',
      query: '',
      headers: { 'X-Amz-Meta-A': '  one   two ', host: 'h' },
      payloadHash: 'p',
    });
    assert.equal(canonical, 'GET\n/\n\nhost:h\nx-amz-meta-a:one two\n\nhost;x-amz-meta-a\np');
  });

  it('every signed part changes the signature (method, path, header, payload, time, key)', () => {
    const base = {
      method: 'PUT',
      url: new URL('http://127.0.0.1:9000/b/k'),
      headers: { 'content-type': 'image/png' },
      payloadHash: sha256Hex('x'),
      credentials,
      region: 'us-east-1',
      service: 's3',
      now: at,
    };
    const sig = (o: typeof base) => signRequest(o).authorization;
    const reference = sig(base);
    const variants = [
      { ...base, method: 'DELETE' },
      { ...base, url: new URL('http://127.0.0.1:9000/b/k2') },
      { ...base, url: new URL('http://127.0.0.1:9001/b/k') },
      { ...base, headers: { 'content-type': 'text/html' } },
      { ...base, payloadHash: sha256Hex('y') },
      { ...base, now: new Date(at.getTime() + 1000) },
      { ...base, credentials: { ...credentials, secretAccessKey: `${credentials.secretAccessKey}x` } },
      { ...base, region: 'eu-west-1' },
    ];
    for (const variant of variants) assert.notEqual(sig(variant), reference);
  });

  it('parses what it writes and refuses malformed Authorization values', () => {
    const header = vectors.examples[0]?.authorization as string;
    assert.deepEqual(parseAuthorization(header), {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      date: '20130524',
      region: 'us-east-1',
      service: 's3',
      signedHeaders: ['host', 'range', 'x-amz-content-sha256', 'x-amz-date'],
      signature: 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    });
    assert.ok(parseAuthorization(header.replace(/,/g, ', ')));
    for (const bad of [
      '',
      'AWS AKIA:sig',
      header.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'),
      header.slice(0, -1),
      `${header}0`,
      header.replace('aws4_request', 'aws5_request'),
    ]) {
      assert.equal(parseAuthorization(bad), undefined, bad);
    }
  });
});
