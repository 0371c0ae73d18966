/**
 * Issue 14 finding 4 and the abuse-limit suite, on both engines: counters in the database
 * (one upsert per hit, so concurrent hits are never lost and every node shares them),
 * 429 problem+json with Retry-After on every credential check, minting and enrolment,
 * per IP and per principal; slow-loris timeouts and the listen backlog.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AbuseLimiter } from '../src/abuse/index.ts';
import { ManualClock } from '../src/core/index.ts';
import { createTestStore, ENGINES } from './support/engines.ts';
import { basic, bearer, problem, registerWorldAsAdmin } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

type Reply = { statusCode: number; headers: Record<string, unknown>; body: string; json(): unknown };

function limited(reply: Reply): number {
  problem(reply, 429, 'rate_limited');
  const wait = Number(reply.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait > 0, `Retry-After: ${reply.headers['retry-after']}`);
  return wait;
}

for (const engine of ENGINES) {
  describe(`abuse limiter on ${engine}`, () => {
    it('counts in fixed windows, loses no concurrent hit, blocks over the limit, resets, sweeps', async () => {
      const { store, close } = await createTestStore(engine);
      try {
        const clock = new ManualClock('2026-06-01T12:00:00Z');
        const a = new AbuseLimiter(store, clock, { credentialIp: { limit: 40, windowSeconds: 60 } });
        const b = new AbuseLimiter(store, clock, { credentialIp: { limit: 40, windowSeconds: 60 } });
        const key = { bucket: 'credentialIp', key: '192.0.2.7' } as const;
        // Two limiters (two nodes) hitting at once: every hit is counted exactly once.
        const waits = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit([key])));
        assert.ok(waits.every((w) => w === undefined));
        assert.equal(await a.blocked([key]), 60);
        assert.equal(await b.hit([key]), 60, 'the 41st hit is over the limit');
        assert.equal(await a.blocked([{ bucket: 'credentialIp', key: '192.0.2.8' }]), undefined, 'another address is not blocked');
        clock.advance(30_000);
        assert.equal(await a.blocked([key]), 30);
        clock.advance(30_000);
        assert.equal(await a.blocked([key]), undefined, 'a new window starts afresh');
        assert.equal(await a.hit([key]), undefined);
        await assert.rejects(
          new AbuseLimiter(store, clock, { reportPrincipal: { limit: 1, windowSeconds: 60 } })
            .consume([{ bucket: 'reportPrincipal', key: 'p1' }])
            .then(() =>
              new AbuseLimiter(store, clock, { reportPrincipal: { limit: 1, windowSeconds: 60 } }).consume([
                { bucket: 'reportPrincipal', key: 'p1' },
              ]),
            ),
          (error: Error & { code?: string }) => error.code === 'rate_limited',
        );
        const stored = await store.db.selectFrom('abuse_counters').selectAll().execute();
        assert.ok(
          stored.every((row) => !row.key_hash.includes('192.0.2')),
          'keys are stored hashed',
        );
        clock.advance(3600_000);
        assert.ok((await a.sweep()) >= 2);
        assert.equal((await store.db.selectFrom('abuse_counters').selectAll().execute()).length, 0);
      } finally {
        await close();
      }
    });
  });

  describe(`the abuse limiter's in-memory mirror on ${engine}`, () => {
    it(
      engine === 'sqlite'
        ? 'answers blocked() for known keys from memory, counts every hit in the database first, resets with the window'
        : 'is refused on PostgreSQL, where other nodes count too',
      async () => {
        const { store, close } = await createTestStore(engine);
        try {
          const clock = new ManualClock('2026-06-01T12:00:00Z');
          const policy = { credentialPrincipal: { limit: 3, windowSeconds: 60 } };
          if (engine !== 'sqlite') {
            assert.throws(() => new AbuseLimiter(store, clock, policy, { mirror: true }), RangeError);
            return;
          }
          const limiter = new AbuseLimiter(store, clock, policy, { mirror: true });
          const key = { bucket: 'credentialPrincipal', key: 'client-1' } as const;
          assert.equal(await limiter.blocked([key]), undefined, 'unknown key: read once, not blocked');
          for (let i = 0; i < 3; i++) await limiter.hit([key]);
          const rows = await store.db.selectFrom('abuse_counters').select('hits').execute();
          assert.deepEqual(
            rows.map((r) => Number(r.hits)),
            [3],
            'every hit is in the database',
          );
          assert.equal(await limiter.blocked([key]), 60);
          // The row gone behind its back: the answer still comes from memory (no statement per check).
          await store.db.deleteFrom('abuse_counters').execute();
          assert.equal(await limiter.blocked([key]), 60);
          // A fresh limiter (a restart) reads the database, and the stored hits still count.
          for (let i = 0; i < 3; i++) await limiter.hit([key]);
          assert.equal(await new AbuseLimiter(store, clock, policy, { mirror: true }).blocked([key]), 60);
          clock.advance(60_000);
          assert.equal(await limiter.blocked([key]), undefined, 'a new window starts afresh');
        } finally {
          await close();
        }
      },
    );
  });

  describe(`abuse limits over HTTP on ${engine}`, () => {
    let rt: TestRuntime;
    let admin: string;

    before(async () => {
      rt = await startTestRuntime(engine, {
        abuseLimits: {
          credentialIp: { limit: 6, windowSeconds: 600 },
          credentialPrincipal: { limit: 3, windowSeconds: 600 },
          mintIp: { limit: 3, windowSeconds: 60 },
          enrolIp: { limit: 2, windowSeconds: 3600 },
        },
      });
      admin = (await rt.registry.adminTokens.create('abuse-admin')).token;
    });
    after(async () => rt.stop());

    const from = (ip: string) => ({ remoteAddress: ip });

    it('bearer tokens: failures per IP reach 429, then even a valid token waits; other addresses are unaffected', async () => {
      const ip = '198.51.100.1';
      for (let i = 0; i < 6; i++) {
        problem(
          await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: bearer(`mva_guess${i}`), ...from(ip) }),
          401,
          'unauthenticated',
        );
      }
      const wait = limited(await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: bearer(admin), ...from(ip) }));
      assert.ok(wait <= 600);
      limited(await rt.app.inject({ method: 'GET', url: '/disclosure/v1/requests', headers: bearer('mvau_x'), ...from(ip) }));
      assert.equal(
        (await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: bearer(admin), ...from('198.51.100.2') })).statusCode,
        200,
      );
      rt.clock.advance(600_000);
      assert.equal((await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: bearer(admin), ...from(ip) })).statusCode, 200);
    });

    it('successful credential checks do not count', async () => {
      for (let i = 0; i < 10; i++) {
        assert.equal(
          (await rt.app.inject({ method: 'GET', url: '/admin/v1/worlds', headers: bearer(admin), ...from('198.51.100.3') })).statusCode,
          200,
        );
      }
    });

    it('client secrets: failures per client id reach 429 from any address (OpenID Connect token endpoint and Basic routes)', async () => {
      for (let i = 0; i < 3; i++) {
        const r = await rt.app.inject({
          method: 'POST',
          url: '/oidc/token',
          headers: { ...basic('world-x', `wrong${i}`), 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'grant_type=client_credentials',
          ...from(`203.0.113.${i}`),
        });
        assert.equal(r.statusCode, 401, r.body);
      }
      limited(
        await rt.app.inject({
          method: 'POST',
          url: '/oidc/token',
          headers: { ...basic('world-x', 'another'), 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'grant_type=client_credentials',
          ...from('203.0.113.99'),
        }),
      );
      limited(
        await rt.app.inject({
          method: 'POST',
          url: '/credentials/v1/verify',
          headers: basic('world-x', 'x'),
          payload: {},
          ...from('203.0.113.98'),
        }),
      );
      const other = await rt.app.inject({
        method: 'POST',
        url: '/oidc/token',
        headers: { ...basic('world-y', 'x'), 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials',
        ...from('203.0.113.97'),
      });
      assert.equal(other.statusCode, 401, 'another client id is not blocked');
    });

    it('client secrets: successful client authentication does not count, even in a burst', async () => {
      const { clientId, clientSecret } = await registerWorldAsAdmin(rt.app, admin, 'Busy World');
      const burst = await Promise.all(
        Array.from({ length: 12 }, () =>
          rt.app.inject({
            method: 'POST',
            url: '/oidc/token',
            headers: { ...basic(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
            payload: `grant_type=client_credentials&scope=mvid:world&resource=${encodeURIComponent('http://mvid.test/api')}`,
            ...from('192.0.2.90'),
          }),
        ),
      );
      for (const r of burst) assert.equal(r.statusCode, 200, r.body);
    });

    it('holder sign-in: failures per holder key reach 429', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'mvid-session+jwt', kid: 'holder-key-1' })).toString('base64url');
      const assertion = `${header}.e30.c2ln`;
      for (let i = 0; i < 3; i++) {
        const r = await rt.app.inject({
          method: 'POST',
          url: '/registry/v1/sessions',
          payload: { assertion },
          ...from(`192.0.2.${10 + i}`),
        });
        assert.ok(r.statusCode >= 400 && r.statusCode <= 403, r.body);
      }
      limited(await rt.app.inject({ method: 'POST', url: '/registry/v1/sessions', payload: { assertion }, ...from('192.0.2.50') }));
    });

    it('passkey sign-in: failures per credential id reach 429', async () => {
      const body = { id: 'cred-1', rawId: 'cred-1', type: 'public-key', response: {}, clientExtensionResults: {} };
      for (let i = 0; i < 3; i++) {
        const r = await rt.app.inject({ method: 'POST', url: '/account/sign-in', payload: body, ...from(`192.0.2.${20 + i}`) });
        assert.ok(r.statusCode >= 400 && r.statusCode <= 403, r.body);
      }
      limited(await rt.app.inject({ method: 'POST', url: '/account/sign-in', payload: body, ...from('192.0.2.51') }));
    });

    it('pre-authorised codes: failures per IP reach 429', async () => {
      const ip = '192.0.2.60';
      for (let i = 0; i < 6; i++) {
        const r = await rt.app.inject({
          method: 'POST',
          url: '/credentials/oid4vci/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `grant_type=urn:ietf:params:oauth:grant-type:pre-authorized_code&pre-authorized_code=guess${i}`,
          ...from(ip),
        });
        assert.ok(r.statusCode >= 400 && r.statusCode <= 403, r.body);
      }
      limited(await rt.app.inject({ method: 'POST', url: '/credentials/oid4vci/token', payload: {}, ...from(ip) }));
    });

    it('nonce and challenge minting and enrolment count every request per IP', async () => {
      for (const url of ['/registry/v1/nonces', '/credentials/oid4vci/nonce', '/account/sign-in/options']) {
        const ip = `192.0.2.${url.length}`;
        // Every request counts, answered or refused (the sign-in options also want the page's form token).
        for (let i = 0; i < 3; i++) assert.notEqual((await rt.app.inject({ method: 'POST', url, ...from(ip) })).statusCode, 429, url);
        limited(await rt.app.inject({ method: 'POST', url, ...from(ip) }));
      }
      for (let i = 0; i < 2; i++) {
        const r = await rt.app.inject({
          method: 'POST',
          url: '/registry/v1/enrolments',
          payload: { presentation: 'x' },
          ...from('192.0.2.70'),
        });
        assert.equal(r.statusCode, 400);
      }
      limited(
        await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: 'x' }, ...from('192.0.2.70') }),
      );
      limited(
        await rt.app.inject({ method: 'POST', url: '/registry/v1/recoveries', payload: { presentation: 'x' }, ...from('192.0.2.70') }),
      );
    });
  });

  describe(`slow-loris protection and backlog on ${engine}`, () => {
    let rt: TestRuntime;
    let port: number;
    before(async () => {
      rt = await startTestRuntime(engine, { headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
      await rt.app.listen({ host: '127.0.0.1', port: 0, backlog: rt.config.listenBacklog });
      const address = rt.app.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });
    after(async () => rt.stop());

    it('sets the header, request and keep-alive timeouts; the default backlog holds 1,000 connections', () => {
      assert.equal(rt.app.server.headersTimeout, 1000);
      assert.equal(rt.app.server.requestTimeout, 2000);
      assert.equal(rt.app.server.keepAliveTimeout, rt.config.keepAliveTimeoutMs);
      assert.ok(rt.config.listenBacklog >= 1000);
    });

    it('cuts off a client trickling its headers with 408 problem+json', async () => {
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: '));
        const drip = setInterval(() => socket.writable && socket.write('a'), 200);
        let out = '';
        socket.on('data', (chunk) => {
          out += chunk.toString();
        });
        socket.on('close', () => {
          clearInterval(drip);
          resolve(out);
        });
        socket.on('error', () => undefined);
      });
      assert.match(answer, /^HTTP\/1.1 408 /);
      assert.match(answer, /application\/problem\+json/);
      assert.match(answer, /"code":"request_timeout"/);
      assert.ok(Date.now() - started < 5000);
    });

    it('answers 1,000 simultaneous connections', async () => {
      const one = () =>
        new Promise<boolean>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
          let out = '';
          socket.on('data', (chunk) => {
            out += chunk.toString();
          });
          socket.on('close', () => resolve(out.startsWith('HTTP/1.1 200')));
          socket.on('error', () => resolve(false));
        });
      const results = await Promise.all(Array.from({ length: 1000 }, one));
      assert.equal(results.filter(Boolean).length, 1000);
    });
  });
}
