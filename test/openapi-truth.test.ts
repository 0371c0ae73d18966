/**
 * Issue 14 finding 6: the OpenAPI document tells the truth. Routes that answer 201 declare
 * 201, every operation declares its problem+json error responses, every success response
 * with a body names its content type, and a problem's `type` URI resolves to a page that
 * describes the error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../src/core/index.ts';
import { problem } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

type Responses = Record<string, { description?: string; content?: Record<string, unknown> }>;
type Doc = { paths: Record<string, Record<string, { responses: Responses }>> };

describe('the OpenAPI document', () => {
  let rt: TestRuntime;
  let doc: Doc;
  before(async () => {
    rt = await startTestRuntime('sqlite');
    doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Doc;
  });
  after(async () => rt.stop());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

  it('declares 201 where the route answers 201', () => {
    for (const [method, path] of [
      ['post', '/credentials/v1/issue'],
      ['post', '/credentials/v1/offers'],
      ['post', '/credentials/v1/presentation-requests'],
      ['post', '/credentials/v1/attribute-issuers'],
    ]) {
      const responses = doc.paths[path as string]?.[method as string]?.responses ?? {};
      assert.ok(responses['201'], `${method} ${path} declares 201`);
      assert.equal(responses['200'], undefined, `${method} ${path} does not declare 200`);
    }
  });

  it('declares problem+json error responses on every operation', () => {
    assert.ok(operations().length > 70);
    for (const { path, method, op } of operations()) {
      for (const status of ['4XX', '5XX']) {
        assert.ok(op.responses[status]?.content?.['application/problem+json'], `${method} ${path} declares ${status}`);
      }
    }
  });

  it('declares a success response on every operation (the contract test calls each one: test/openapi-contract.test.ts)', () => {
    const silent = operations()
      .filter(({ op }) => !Object.keys(op.responses).some((status) => /^[23]/.test(status)))
      .map(({ path, method }) => `${method} ${path}`);
    assert.deepEqual(silent, []);
  });

  it('names a content type on every success response with a body', () => {
    const missing = operations().flatMap(({ path, method, op }) =>
      Object.entries(op.responses)
        .filter(([status, r]) => status.startsWith('2') && status !== '204' && !r.content)
        .map(([status]) => `${method} ${path} ${status}`),
    );
    assert.deepEqual(missing, []);
  });

  it('resolves every problem type URI to a page describing the error', async () => {
    for (const [code, { status, title }] of Object.entries(ERROR_CODES)) {
      const r = await rt.app.inject({ method: 'GET', url: `/errors/${code}` });
      assert.equal(r.statusCode, 200, code);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.match(String(r.headers['content-security-policy']), /default-src 'none'/);
      assert.ok(r.body.includes(title.replaceAll("'", '&#39;')), `${code}: title`);
      assert.ok(r.body.includes(String(status)), `${code}: status`);
    }
    const described = await rt.app.inject({ method: 'GET', url: '/errors/rate_limited' });
    assert.match(described.body, /Retry-After/, 'the meaning comes from docs/errors.md');
    const index = await rt.app.inject({ method: 'GET', url: '/errors' });
    assert.equal(index.statusCode, 200);
    assert.ok(index.body.includes('/errors/validation_failed'));
    problem(await rt.app.inject({ method: 'GET', url: '/errors/no_such_code' }), 404, 'not_found');
  });
});
