/**
 * Load (issue 14): 1,000 concurrent keep-alive connections for MVID_LOAD_SECONDS (60) of mixed
 * traffic on loopback against a real `mvid serve`, on both engines; run by `npm run test:stress`
 * (not `npm test`: a minute per engine). Each connection is a client sending one request a
 * second, round and round through a mix: the health probe, the log's latest checkpoint, the
 * OpenID configuration, the person's own record (a session lookup), a client-credentials token
 * (a client-secret check and a signature) and a fresh registry nonce (a counter write): 1,000
 * requests a second in all, about half of what 2 cores serve of this mix. Zero errors, zero
 * timeouts, zero non-2xx answers; the p99 and the server's RSS (sampled every 250 ms) stay
 * under the bounds below.
 *
 * Why a rate and not 1,000 connections in a tight loop: then every request waits behind the
 * 999 others, so latency is connections ÷ throughput (Little's law) — a measure of the queue,
 * not of the server — and on 2 shared cores the tail passes the 10 s timeout. A client a
 * second per connection keeps the 1,000 connections busy and asks what a person would: is
 * every request answered, quickly, while 1,000 others are connected.
 *
 * Abuse limits are set as the bench servers set them (bench/harness/abuse.ts, via
 * test/support/served.ts): all traffic comes from one loopback address, one world and one
 * person, so the production defaults would answer most of it with 429 — which is their job,
 * not what this suite measures. The limiter still runs (a counter statement per credential
 * check and per nonce).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import autocannon from 'autocannon';
import { rssOf } from '../../bench/harness/process.ts';
import { ENGINES } from '../support/engines.ts';
import { judgeLoad } from '../support/load-judge.ts';
import { enrolOverHttp, type Served, startServed } from '../support/served.ts';

/** MVID_LOAD_CONNECTIONS lowers it on a machine busy with other work (the suite is judged at 1,000). */
const CONNECTIONS = Number(process.env.MVID_LOAD_CONNECTIONS ?? 1000);
const SECONDS = Number(process.env.MVID_LOAD_SECONDS ?? 60);
/**
 * p99 bound: 1 s. autocannon starts every connection's once-a-second timer together, so the
 * 1,000 requests of a second arrive as one burst and the last answer of a burst waits for the
 * 999 before it: the p99 is about the time the server needs to serve a second's burst. Over a
 * second, it is falling behind 1,000 requests a second. (bench/targets.ts's p99 < 50 ms of
 * `/readyz` is for 64 connections of tokens on a quiet machine, not for bursts of 1,000.)
 */
const P99_BOUND_MS = 1000;
/** RSS limit: the target under the 64-connection token load (300 MB) plus 100 MB for 1,000 sockets and their buffers. */
const RSS_LIMIT_BYTES = 400 * 2 ** 20;

for (const engine of ENGINES) {
  describe(`${CONNECTIONS} connections of mixed traffic for ${SECONDS} s (${engine})`, { timeout: (SECONDS + 120) * 1000 }, () => {
    let served: Served;
    let requests: Array<{ method: string; path: string; headers?: Record<string, string>; body?: string }>;

    before(async () => {
      served = await startServed(engine);
      const person = await enrolOverHttp(served);
      const token = new URLSearchParams({ grant_type: 'client_credentials', scope: 'mvid:world', resource: `${served.url}/api` });
      const readyz = { method: 'GET', path: '/readyz' };
      const checkpoint = { method: 'GET', path: '/log/v1/checkpoints/latest' };
      const me = { method: 'GET', path: '/registry/v1/me', headers: { authorization: `Bearer ${person.sessionToken}` } };
      const tokens = {
        method: 'POST',
        path: '/oidc/token',
        headers: { authorization: served.worldBasic, 'content-type': 'application/x-www-form-urlencoded' },
        body: token.toString(),
      };
      const nonce = { method: 'POST', path: '/registry/v1/nonces' };
      const discovery = { method: 'GET', path: '/oidc/.well-known/openid-configuration' };
      // Ten requests a round: 20 % each of health, checkpoint, session and token; 10 % each of discovery and nonces.
      requests = [readyz, me, checkpoint, tokens, discovery, readyz, me, checkpoint, tokens, nonce];
      // Warm-up (not judged): the JIT and the pools, as any server that has run a while.
      await autocannon({ url: served.url, connections: 50, duration: 3, requests });
    });
    after(async () => served?.close());

    it('zero errors and timeouts, p99 and RSS within bounds', async () => {
      const pid = served.node.child.pid as number;
      let peak = rssOf(pid);
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 250);
      let result: Awaited<ReturnType<typeof autocannon>>;
      try {
        result = await autocannon({
          url: served.url,
          connections: CONNECTIONS,
          connectionRate: 1,
          pipelining: 1,
          duration: SECONDS,
          timeout: 10,
          requests,
        });
      } finally {
        clearInterval(sampler);
      }
      const verdict = judgeLoad(result, peak, { p99Ms: P99_BOUND_MS, rssBytes: RSS_LIMIT_BYTES });
      console.log(`load ${engine}: ${CONNECTIONS} connections, ${verdict.summary}`);
      assert.deepEqual(verdict.problems, [], verdict.summary);
      const after = await fetch(`${served.url}/readyz`);
      assert.equal(after.status, 200, 'the server still answers after the load');
    });
  });
}
