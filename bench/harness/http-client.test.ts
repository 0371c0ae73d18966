import assert from 'node:assert/strict';
import { Agent, createServer } from 'node:http';
import { describe, it } from 'node:test';
import { Browser, Jar, send } from './http-client.ts';

describe('cookie jar', () => {
  it('sends a cookie only below its Path, as a browser does', () => {
    const jar = new Jar();
    jar.take(['_session=s1; path=/; httponly', '_interaction=i1; path=/interaction/abc; httponly', 'plain=p']);
    assert.equal(jar.header('/oidc/auth'), '_session=s1; plain=p');
    assert.equal(jar.header('/interaction/abc'), '_session=s1; _interaction=i1; plain=p');
    assert.equal(jar.header('/interaction/abc/consent'), '_session=s1; _interaction=i1; plain=p');
    assert.equal(jar.header('/interaction/abcdef'), '_session=s1; plain=p', 'a path prefix that is not a segment does not match');
  });

  it('forgets cookies the server deletes, and clones independently', () => {
    const jar = new Jar();
    jar.take(['a=1; path=/', 'b=2; path=/']);
    const copy = jar.clone();
    jar.take(['a=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT', 'b=3; Max-Age=0']);
    assert.equal(jar.header('/'), '');
    assert.equal(copy.header('/'), 'a=1; b=2');
  });
});

describe('browser', () => {
  it('follows redirects on the server, keeps cookies, and stops at the first one that leaves it', async () => {
    const server = createServer((request, response) => {
      if (request.url === '/start') response.writeHead(303, { location: '/next', 'set-cookie': 'k=v; path=/' }).end();
      else if (request.url === '/next') response.writeHead(302, { location: `http://127.0.0.1:9/cb?seen=${request.headers.cookie}` }).end();
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const agent = new Agent({ keepAlive: true });
    try {
      const { reply, url } = await new Browser(base, agent).follow('/start');
      assert.equal(reply.status, 302);
      assert.equal(url, 'http://127.0.0.1:9/cb?seen=k=v');
    } finally {
      agent.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses anything but loopback', async () => {
    await assert.rejects(async () => send(new Agent(), new URL('http://example.com/'), 'GET', {}), TypeError);
  });
});
