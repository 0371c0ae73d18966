/**
 * The example world (examples/world/server.ts) runs as its own process against a
 * listening mvid, and a person signs in to it: what the docs promise works as written.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ENGINES, REPO_ROOT } from './support/engines.ts';
import {
  Browser,
  enrolPerson,
  freePort,
  registerWorld,
  startWorldsRuntime,
  type TestPerson,
  walkSignIn,
  type WorldsRuntime,
} from './support/worlds.ts';

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`the example world exited: ${log()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`the example world did not start: ${log()}`);
}

for (const engine of ENGINES) {
  describe(`the example world on ${engine}`, () => {
    let rt: WorldsRuntime;
    let child: ChildProcess;
    let worldUrl: string;
    let ada: TestPerson;
    let worldId: string;
    let output = '';
    before(async () => {
      // The world imports @mvid/sdk as a world would (examples/world/package.json): build it.
      execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'packages/sdk'], { cwd: REPO_ROOT });
      rt = await startWorldsRuntime(engine, 'localhost');
      const port = await freePort();
      worldUrl = `http://localhost:${port}`;
      const world = await registerWorld(rt, {
        name: 'Example World',
        redirectUris: [`${worldUrl}/callback`],
        claims: [
          { name: 'age_over_18', required: true },
          { name: 'handle', required: false },
        ],
      });
      worldId = world.clientId;
      ada = await enrolPerson(rt);
      await fetch(`${rt.url}/worlds/v1/me/worlds/${world.clientId}/handle`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ada.sessionToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ handle: 'Ada' }),
      });
      child = spawn(process.execPath, ['examples/world/server.ts'], {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          MVID_ISSUER: `${rt.url}/oidc`,
          WORLD_CLIENT_ID: world.clientId,
          WORLD_CLIENT_SECRET: world.clientSecret,
          PORT: String(port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d) => (output += d));
      child.stderr?.on('data', (d) => (output += d));
      await waitFor(`${worldUrl}/`, child, () => output);
      // It logs the address to open as it redirects to it (localhost), so following its log signs in.
      assert.match(output, new RegExp(`Example World listening on ${worldUrl} `));
    });
    after(async () => {
      child?.kill('SIGTERM');
      await rt?.stop();
    });

    it('signs a person in and shows sub, handle and age_over_18', async () => {
      const worldBrowser = new Browser(worldUrl);
      const login = await worldBrowser.fetch('/login');
      assert.equal(login.status, 302);
      const callback = await walkSignIn(rt, new Browser(rt.url), ada, login.headers.get('location') as string);
      const page = await worldBrowser.fetch(callback.href);
      const html = await page.text();
      assert.equal(page.status, 200, html);
      assert.match(html, /<dt>Handle<\/dt><dd>Ada<\/dd>/);
      assert.match(html, /<dt>Over 18<\/dt><dd>true<\/dd>/);
      assert.match(html, /<code>[A-Za-z0-9_-]{43}<\/code>/);
      assert.match(html, /<dt>Standing here<\/dt><dd>in good standing<\/dd>/);
    });

    it('has a report button: the world files a member’s report with mvid, and mvid opens a case', async () => {
      const bob = await enrolPerson(rt);
      const worldBrowser = new Browser(worldUrl);
      const login = await worldBrowser.fetch('/login');
      const callback = await walkSignIn(rt, new Browser(rt.url), bob, login.headers.get('location') as string);
      const welcome = await worldBrowser.fetch(callback.href);
      assert.match(await welcome.text(), /action="\/report"/);
      const filed = await worldBrowser.fetch('/report', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ subject: 'Ada', category: 'harassment', text: 'Ada shouted at newcomers.' }).toString(),
      });
      const html = await filed.text();
      assert.equal(filed.status, 200, html);
      assert.match(html, /Report filed/);
      const [opened] = await rt.moderation.cases.queue(worldId);
      assert.equal(opened?.subject, rt.worlds.subjectFor(worldId, ada.personId));
      assert.equal(opened?.reports, 1);
    });
  });
}
