/**
 * Hostile input over every operation of the OpenAPI document, on both engines (issue 14):
 * fast-check requests with mutated and random JSON, wrong types, huge strings and arrays,
 * deep nesting, invalid UTF-8, NUL bytes, wrong content types, duplicate query parameters,
 * malformed cookies and JWTs. Every answer is below 500 and every error a problem document;
 * no request hangs; memory returns near its baseline. MVID_HOSTILE_RUNS sets the number of
 * requests per engine (`npm run test:stress` runs 50,000 per engine).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ENGINES } from './support/engines.ts';
import { assertHostileAnswer, type Credentials, hostileRequest, type Operation, operationsOf, within } from './support/hostile.ts';
import { devKeyOf, presentation, publishTrustees } from './support/registry-http.ts';
import { personClaims } from './support/registry.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

const RUNS = Number(process.env.MVID_HOSTILE_RUNS ?? 2000);
const OFF = { limit: 0, windowSeconds: 60 };
/** Operations that end the caller's own session: fuzzed with forged credentials only, so the rest keeps a live one. */
const SELF_ENDING = new Set(['DELETE /registry/v1/sessions/current', 'POST /registry/v1/me/close']);

for (const engine of ENGINES) {
  describe(`hostile input on ${engine}`, () => {
    let rt: TestRuntime;
    let operations: Operation[];
    let creds: Credentials;

    before(async () => {
      // Abuse limits off: a 429 is a correct answer, but it would stop the inputs from reaching the routes.
      rt = await startTestRuntime(engine, {
        abuseLimits: { credentialIp: OFF, credentialPrincipal: OFF, mintIp: OFF, enrolIp: OFF },
      });
      await publishTrustees(rt);
      const admin = (await rt.registry.adminTokens.create('hostile-admin')).token;
      const { presentation: p } = await presentation(rt, devKeyOf(rt), personClaims());
      const enrolled = await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } });
      assert.equal(enrolled.statusCode, 201, enrolled.body);
      creds = { admin, person: (enrolled.json() as { session: { token: string } }).session.token };
      operations = await operationsOf(rt.app);
    });
    after(async () => rt.stop());

    it(`answers ${RUNS} hostile requests across every operation with 4xx problem documents, never a 5xx or a hang`, async () => {
      assert.ok(operations.length > 70, `${operations.length} operations`);
      const forged: Credentials = { admin: 'mva_forged', person: 'mvs_forged' };
      const arbitrary = fc
        .constantFrom(...operations)
        .chain((op) => hostileRequest(op, SELF_ENDING.has(`${op.method} ${op.path}`) ? forged : creds));
      const baseline = process.memoryUsage().heapUsed;
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          const { payload, ...rest } = request;
          const response = await within(
            rt.app.inject(payload === undefined ? rest : { ...rest, payload }),
            15_000,
            `${request.method} ${request.url.slice(0, 120)}`,
          );
          seen.add(`${request.method} ${request.url.split('?')[0]?.split('/').slice(0, 4).join('/')}`);
          assertHostileAnswer(request, response);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      assert.ok(seen.size > 40, `only ${seen.size} route prefixes exercised`);
      // A live session survived: the fuzzing did not take the service down for the person.
      assert.equal(
        (await rt.app.inject({ method: 'GET', url: '/registry/v1/me', headers: { authorization: `Bearer ${creds.person}` } })).statusCode,
        200,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const grown = process.memoryUsage().heapUsed - baseline;
      assert.ok(grown < 256 * 1024 * 1024, `heap grew by ${Math.round(grown / 1048576)} MiB`);
    });
  });
}
