/**
 * Hostile requests for every operation of the OpenAPI document (issue 14): fast-check
 * arbitraries for path parameters, query strings (duplicates included), headers (wrong
 * content types, forged and malformed credentials and cookies) and bodies (mutated and
 * random JSON, wrong types, huge strings and arrays, deep nesting, invalid UTF-8, NUL
 * bytes, JWT-, SD-JWT- and note-shaped strings), and the oracle every answer must pass.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../src/core/index.ts';

export interface Operation {
  method: string;
  /** OpenAPI path template, e.g. /admin/v1/worlds/{worldId}. */
  path: string;
  params: string[];
  query: string[];
  secured: boolean;
}

type OpenApi = {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; security?: unknown[] }>>;
};

export async function operationsOf(app: FastifyInstance): Promise<Operation[]> {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApi;
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      secured: (op.security ?? []).length > 0,
    })),
  );
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** Strings an attacker would try: empties, NULs, traversal, encodings, tokens of the wrong kind. */
const nasty = fc.oneof(
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '%00',
    '../../etc/passwd',
    '%2e%2e%2f',
    '%C3%28',
    '%',
    '%zz',
    '\uD800',
    '\uFFFF',
    '🙂'.repeat(50),
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the log4shell probe, literally
    '${jndi:ldap://x}',
    '__proto__',
    'constructor',
    'null',
    'NaN',
    '-1',
    '1e309',
    '9'.repeat(400),
    `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url('{"sub":"x"}')}.`,
    `${b64url('{"alg":"ES256","kid":"../../x"}')}.e30.c2ln`,
    'eyJ.eyJ.sig~WyJzYWx0IiwiYSIsMV0~',
    'eyJhbGciOiJFUzI1NiJ9.e30.AAAA~~~~',
    'mvid.test/log\n42\nAAAA\n\n— mvid.test/log AAAA\n',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.oneof(nasty, fc.constantFrom('name', 'id', 'presentation', 'assertion', 'claims', 'kind', 'kinds', 'request', 'jwks', 'keys')),
    fc.oneof(nasty, fc.jsonValue({ maxDepth: 3 }), fc.array(nasty, { maxLength: 5 })),
    { maxKeys: 6 },
  ),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 10 }),
);

/** A raw request body: text, JSON of the wrong shape, or bytes that are not UTF-8 at all. */
const body: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  jsonish.map((v) => JSON.stringify(v) ?? 'null'),
  nasty,
  fc.constantFrom('{', '{"a":1,"a":2}', '{"__proto__":{"admin":true}}', '{"x":"\\u0000"}', '[]', '"string"', '12', 'true'),
  fc.integer({ min: 100, max: 3000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 100, max: 3000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => JSON.stringify({ name: 'x'.repeat(n) })),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => JSON.stringify(Array.from({ length: n }, () => 1))),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')])),
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/merge-patch+json',
  'application/json; charset=latin1',
  'garbage',
);

export interface Credentials {
  admin: string;
  person: string;
}

function authorization(creds: Credentials) {
  return fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${creds.admin}`),
    fc.constant(`Bearer ${creds.person}`),
    nasty.map((s) => `Bearer ${s}`),
    nasty.map((s) => `Basic ${Buffer.from(`${s}:${s}`).toString('base64')}`),
    fc.constantFrom('Bearer', 'Basic', 'Basic !!!', 'DPoP x', 'Bearer a b', `Bearer ${'A'.repeat(600)}`),
  );
}

/** Percent-encodes, but lets the pre-encoded attacks through as they are; a lone surrogate becomes its invalid UTF-8. */
function encodeSegment(s: string): string {
  if (/^%|%00|%C3%28|%2e/i.test(s)) return s;
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

const cookie = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'mvid_session=%E0%A4%A',
    'mvid_session=%',
    'mvid_session=\u0001',
    'mvid_pre=%00; mvid_session=x',
    '=; ; ==',
    `mvid_session=${'a'.repeat(4000)}`,
  ),
  nasty.map((s) => `mvid_session=${encodeSegment(s)}`),
);

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
}

/** A hostile request for `op` (sometimes with another method, to exercise 405). */
export function hostileRequest(op: Operation, creds: Credentials): fc.Arbitrary<HostileRequest> {
  const params = fc.tuple(...op.params.map(() => nasty));
  const queryNames = [...op.query, 'start', 'end', 'index', 'claim', 'x'];
  const query = fc.array(fc.tuple(fc.constantFrom(...queryNames), nasty), { maxLength: 5 });
  const method = fc.oneof(
    fc.constant(op.method),
    fc.constant(op.method),
    fc.constant(op.method),
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
  );
  return fc
    .record({ method, params, query, auth: authorization(creds), cookie, contentType, body })
    .map(({ method: m, params: values, query: pairs, auth, cookie: c, contentType: ct, body: b }) => {
      let path = op.path;
      op.params.forEach((name, i) => {
        path = path.replace(name === '*' ? '{*}' : `{${name}}`, encodeSegment(values[i] ?? ''));
      });
      const qs = pairs.map(([k, v]) => `${k}=${encodeSegment(v)}`).join('&');
      const headers: Record<string, string> = {};
      // Header values a client can put on the wire: Latin-1 without control characters.
      const wire = (v: string) => v.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?');
      if (auth !== undefined) headers.authorization = wire(auth);
      if (c !== undefined) headers.cookie = wire(c);
      const withBody = m !== 'GET' && m !== 'DELETE' && b !== undefined;
      if (withBody && ct !== undefined) headers['content-type'] = ct;
      return { method: m, url: qs ? `${path}?${qs}` : path, headers, payload: withBody ? b : undefined };
    });
}

/** Every answer: no 5xx; an error is a problem document with a known code. */
export function assertHostileAnswer(
  request: HostileRequest,
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
) {
  const where = `${request.method} ${request.url.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  assert.ok(response.statusCode < 500, where);
  if (response.statusCode < 400) return;
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, where);
  const problem = JSON.parse(response.body) as { code?: string; status?: number };
  assert.ok(problem.code !== undefined && problem.code in ERROR_CODES, where);
  assert.equal(problem.status, response.statusCode, where);
}

/** Rejects when `promise` takes longer than `ms` (a hang is a failure, not a slow pass). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
    }),
  ]);
}
