/**
 * Server-side request forgery through URLs others register with mvid, on both engines
 * (worlds are stored): a world's redirect, post-logout, logo, policy and terms URLs
 * through the real admin API, and attribute issuers' status-list URLs through the
 * server's own fetcher. Only allow-listed schemes; in production never a loopback,
 * link-local, private or reserved address however it is spelt (IPv4-mapped IPv6, decimal,
 * octal and hex IPv4, NAT64, 6to4), nor a name that resolves to one; no redirects followed.
 */
import assert from 'node:assert/strict';
import { lookup } from 'node:dns';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../src/core/index.ts';
import { externalStatusLists } from '../src/server/credentials.ts';
import { fetchOutboundText, publicOnlyLookup } from '../src/server/outbound.ts';
import { ENGINES } from './support/engines.ts';
import { bearer } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';
import { freePort } from './support/worlds.ts';

/** Hosts inside, however spelt. */
const INSIDE = [
  'https://127.0.0.1/cb',
  'https://127.1/cb',
  'https://2130706433/cb',
  'https://0177.0.0.1/cb',
  'https://0x7f.0.0.1/cb',
  'https://localhost/cb',
  'https://app.localhost/cb',
  'https://[::1]/cb',
  'https://[::]/cb',
  'https://0.0.0.0/cb',
  'https://[::ffff:127.0.0.1]/cb',
  'https://[::ffff:7f00:1]/cb',
  'https://[::ffff:10.0.0.1]/cb',
  'https://[64:ff9b::a9fe:a9fe]/cb',
  'https://[2002:c0a8:101::1]/cb',
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/cb',
  'https://172.16.0.1/cb',
  'https://172.31.255.255/cb',
  'https://192.168.1.1/cb',
  'https://100.64.0.1/cb',
  'https://198.18.0.1/cb',
  'https://224.0.0.1/cb',
  'https://[fe80::1]/cb',
  'https://[fc00::1]/cb',
  'https://[fd12:3456::1]/cb',
  'https://[ff02::1]/cb',
  'https://metadata.google.internal/cb',
  'https://printer.local/cb',
  'https://intranet/cb',
];
/** Schemes no registered URL may use, in any mode. */
const SCHEMES = [
  'ftp://world.example/cb',
  'javascript:alert(1)//world.example',
  'data:text/html,<script>x</script>',
  'file:///etc/passwd',
  'gopher://world.example:25/',
];

for (const engine of ENGINES) {
  describe(`SSRF through registered URLs on ${engine}`, () => {
    let prod: TestRuntime;
    let dev: TestRuntime;
    const admins = new Map<TestRuntime, string>();

    before(async () => {
      prod = await startTestRuntime(engine, { mode: 'production', publicUrl: 'https://id.example' });
      dev = await startTestRuntime(engine);
      for (const rt of [prod, dev]) admins.set(rt, (await rt.registry.adminTokens.create('ssrf-admin')).token);
    });
    after(async () => {
      await prod.stop();
      await dev.stop();
    });

    let n = 0;
    const register = (rt: TestRuntime, urls: Record<string, unknown>) =>
      rt.app.inject({
        method: 'POST',
        url: '/admin/v1/worlds',
        headers: bearer(admins.get(rt) as string),
        payload: {
          name: `SSRF World ${++n}`,
          purpose: 'To test.',
          redirectUris: ['https://world.example/cb'],
          claims: [{ name: 'age_over_18', required: true }],
          rules: [],
          ...urls,
        },
      });

    it('production: every URL field refuses inside hosts and other schemes; a public https URL is accepted', async () => {
      const ok = await register(prod, {
        postLogoutRedirectUris: ['https://world.example/bye'],
        logoUri: 'https://cdn.world.example/logo.png',
        policyUri: 'https://world.example/privacy',
        tosUri: 'https://world.example/terms',
      });
      assert.equal(ok.statusCode, 201, ok.body);
      const failures: string[] = [];
      for (const bad of [...INSIDE, ...SCHEMES, 'http://world.example/cb', 'http://127.0.0.1:9/cb', 'https://user:pw@world.example/cb']) {
        for (const field of ['redirectUris', 'postLogoutRedirectUris', 'logoUri', 'policyUri', 'tosUri']) {
          const value = field.endsWith('Uris') ? [bad] : bad;
          const r = await register(prod, { [field]: value });
          const code = r.statusCode < 500 ? (JSON.parse(r.body) as { code?: string }).code : undefined;
          if (r.statusCode !== 400 || code !== 'validation_failed') failures.push(`${field} ${bad}: ${r.statusCode} ${code}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    it('development: http only on loopback (a world being built), other schemes never', async () => {
      assert.equal((await register(dev, { redirectUris: ['http://127.0.0.1:9/cb'] })).statusCode, 201);
      assert.equal((await register(dev, { redirectUris: ['http://localhost:9/cb'] })).statusCode, 201);
      for (const bad of [...SCHEMES, 'http://world.example/cb', 'http://10.0.0.1/cb', 'http://169.254.169.254/']) {
        assert.equal((await register(dev, { redirectUris: [bad] })).statusCode, 400, bad);
      }
    });

    it('a world cannot register a key or request URL for mvid to fetch (jwks_uri, sector_identifier_uri, request_uris)', async () => {
      for (const field of ['jwksUri', 'jwks_uri', 'sectorIdentifierUri', 'sector_identifier_uri', 'requestUris', 'request_uris']) {
        const r = await register(prod, { [field]: field.endsWith('s') ? ['https://169.254.169.254/'] : 'https://169.254.169.254/' });
        assert.equal(r.statusCode, 400, `${field}: ${r.body}`);
      }
    });
  });
}

describe('SSRF through attribute issuers’ status-list URLs (the server’s fetcher)', () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end('eyJ0eXAiOiJzdGF0dXNsaXN0K2p3dCJ9.e30.sig');
    });
    port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const clock = new ManualClock('2026-06-01T12:00:00Z');

  it('production: inside hosts, http and other schemes are refused before any connection', async () => {
    const lists = externalStatusLists({ mode: 'production' }, clock);
    const before = seen.length;
    for (const uri of [
      `http://127.0.0.1:${port}/list`,
      `https://127.0.0.1:${port}/list`,
      `https://[::ffff:127.0.0.1]:${port}/list`,
      `https://2130706433:${port}/list`,
      `https://0177.0.0.1:${port}/list`,
      `https://localhost:${port}/list`,
      ...INSIDE,
      ...SCHEMES,
    ]) {
      assert.equal(await lists.get(uri), undefined, uri);
    }
    assert.equal(seen.length, before, 'the loopback server was never reached');
  });

  it('production: a DNS name that resolves to a loopback or private address is refused at connect time', async () => {
    const check = publicOnlyLookup(lookup as never);
    for (const name of ['localhost', 'vm']) {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => check(name, {}, (e) => resolve(e)));
      // A name the resolver does not know is refused too (ENOTFOUND); one it resolves inside, as not public.
      assert.ok(error && ['EADDRNOTPUBLIC', 'ENOTFOUND', 'EAI_AGAIN'].includes(String(error.code)), `${name}: ${error?.code}`);
    }
    const inside = await new Promise<NodeJS.ErrnoException | null>((resolve) => check('localhost', {}, (e) => resolve(e)));
    assert.equal(inside?.code, 'EADDRNOTPUBLIC');
  });

  it('development: a status list is fetched, but a redirect (here to the metadata service) is not followed', async () => {
    const policy = { production: false, devHttp: 'any' as const };
    const options = { policy, accept: 'application/statuslist+jwt', timeoutMs: 2000, maxBytes: 1024 };
    assert.match(await fetchOutboundText(`http://127.0.0.1:${port}/list`, 'uri', options), /^eyJ/);
    await assert.rejects(fetchOutboundText(`http://127.0.0.1:${port}/redirect`, 'uri', options), /redirects are not followed/);
    await assert.rejects(fetchOutboundText(`http://127.0.0.1:${port}/list`, 'uri', { ...options, maxBytes: 4 }), /more than 4 bytes/);
    for (const bad of SCHEMES) await assert.rejects(fetchOutboundText(bad, 'uri', options), { code: 'validation_failed' });
  });
});
