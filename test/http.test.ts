import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { MvidError } from '../src/core/index.ts';
import { ENGINES } from './support/engines.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

function assertProblem(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const problem = JSON.parse(response.body) as Record<string, unknown>;
  assert.equal(problem.status, status);
  assert.equal(problem.code, code);
  assert.equal(problem.type, `http://mvid.test/errors/${code}`);
  assert.equal(typeof problem.title, 'string');
  assert.equal(typeof problem.detail, 'string');
  assert.equal(typeof problem.requestId, 'string');
  assert.equal(problem.requestId, response.headers['x-request-id']);
  assert.doesNotMatch(response.body, /at [\w.<>]+ \(|node:internal|\.ts:\d+/, 'no stack trace may leak');
  return problem;
}

for (const engine of ENGINES) {
  describe(`HTTP edge on ${engine}`, () => {
    let rt: TestRuntime;
    before(async () => {
      rt = await startTestRuntime(engine, { bodyLimitBytes: 2048 }, { ready: false });
      const Body = Type.Object({ name: Type.String({ minLength: 1 }), age: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
      rt.app.post('/test/echo', { schema: { body: Body } }, async (request) => request.body);
      rt.app.get('/test/boom', async () => {
        throw new Error('secret internal detail /srv/mvid/src/thing.ts:42');
      });
      rt.app.get('/test/refused', async () => {
        throw new MvidError('forbidden', 'you may not');
      });
      await rt.app.ready();
    });
    after(async () => rt.stop());

    it('compiles every route schema (they compile on first use, not at start-up)', () => {
      assert.ok(rt.app.compileAllSchemas() > 100);
      assert.equal(rt.app.compileAllSchemas(), 0);
    });

    it('answers /healthz and /readyz', async () => {
      const health = await rt.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200);
      const ready = await rt.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready', engine });
    });

    it('puts a request id on every response and echoes a well-formed one', async () => {
      const r1 = await rt.app.inject({ method: 'GET', url: '/healthz' });
      assert.match(String(r1.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      const r2 = await rt.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
      assert.equal(r2.headers['x-request-id'], 'abc-123');
      const r3 = await rt.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\u0001' } });
      assert.notEqual(r3.headers['x-request-id'], 'bad id\u0001');
    });

    it('400: schema failure names the field', async () => {
      const r = await rt.app.inject({ method: 'POST', url: '/test/echo', payload: { name: '', age: 3 } });
      const problem = assertProblem(r, 400, 'validation_failed');
      assert.equal(problem.field, 'body.name');
      const missing = await rt.app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'x' } });
      assert.equal(assertProblem(missing, 400, 'validation_failed').field, 'body.age');
    });

    it('400: unknown and duplicate members are refused', async () => {
      const unknown = await rt.app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'x', age: 1, extra: true } });
      assert.equal(assertProblem(unknown, 400, 'validation_failed').field, 'body.extra');
      const dup = await rt.app.inject({
        method: 'POST',
        url: '/test/echo',
        headers: { 'content-type': 'application/json' },
        payload: '{"name":"x","age":1,"age":2}',
      });
      assert.equal(assertProblem(dup, 400, 'validation_failed').field, 'age');
      const proto = await rt.app.inject({
        method: 'POST',
        url: '/test/echo',
        headers: { 'content-type': 'application/json' },
        payload: '{"name":"x","age":1,"__proto__":{"admin":true}}',
      });
      assertProblem(proto, 400, 'validation_failed');
    });

    it('400: malformed JSON', async () => {
      const r = await rt.app.inject({
        method: 'POST',
        url: '/test/echo',
        headers: { 'content-type': 'application/json' },
        payload: '{"name":',
      });
      assertProblem(r, 400, 'bad_request');
    });

    it('404 and 405 with Allow', async () => {
      assertProblem(await rt.app.inject({ method: 'GET', url: '/no/such/route' }), 404, 'not_found');
      const r = await rt.app.inject({ method: 'DELETE', url: '/healthz' });
      assertProblem(r, 405, 'method_not_allowed');
      assert.match(String(r.headers.allow), /GET/);
    });

    it('413 for an oversized body', async () => {
      const r = await rt.app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'x'.repeat(5000), age: 1 } });
      assertProblem(r, 413, 'payload_too_large');
    });

    it('415 for an unsupported content type', async () => {
      const r = await rt.app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'text/csv' }, payload: 'a,b' });
      assertProblem(r, 415, 'unsupported_media_type');
    });

    it('500 hides internals and keeps the request id', async () => {
      const r = await rt.app.inject({ method: 'GET', url: '/test/boom' });
      const problem = assertProblem(r, 500, 'internal_error');
      assert.doesNotMatch(r.body, /secret internal detail|thing\.ts/);
      assert.match(String(problem.detail), /request id/);
    });

    it('exposes typed domain errors with their status', async () => {
      assertProblem(await rt.app.inject({ method: 'GET', url: '/test/refused' }), 403, 'forbidden');
    });

    it('serves Prometheus metrics with request counts, latency and pool stats', async () => {
      await rt.app.inject({ method: 'GET', url: '/healthz' });
      const admin = (await rt.registry.adminTokens.create('metrics-reader')).token;
      const r = await rt.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${admin}` } });
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /^text\/plain/);
      assert.match(r.body, /mvid_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
      assert.match(r.body, /mvid_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",status="200",le="0.005"\}/);
      assert.match(r.body, /mvid_db_pool_connections\{state="total"\} \d+/);
    });

    it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
      const r = await rt.app.inject({ method: 'GET', url: '/openapi.json' });
      assert.equal(r.statusCode, 200);
      const doc = r.json() as { openapi: string; paths: Record<string, unknown> };
      assert.equal(doc.openapi, '3.1.0');
      assert.ok(doc.paths['/readyz']);
      assert.ok(doc.paths['/test/echo']);
    });
  });

  it(`/readyz answers 503 while the database is unreachable (${engine})`, async () => {
    const rt = await startTestRuntime(engine);
    try {
      assert.equal((await rt.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
      await rt.store.close();
      const r = await rt.app.inject({ method: 'GET', url: '/readyz' });
      assertProblem(r, 503, 'service_unavailable');
      assert.equal((await rt.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the process is still up');
    } finally {
      await rt.stop();
    }
  });
}

it('/readyz answers 503 when PostgreSQL drops every connection', async () => {
  const rt = await startTestRuntime('postgres');
  try {
    assert.equal((await rt.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    await rt.database.drop();
    const r = await rt.app.inject({ method: 'GET', url: '/readyz' });
    assertProblem(r, 503, 'service_unavailable');
  } finally {
    await rt.close();
  }
});
