/**
 * `mvid sweep` runs every sweeper, as the README promises for MVID_SWEEP_INTERVAL_SECONDS=0
 * (issue 15: it skipped the expiry of disclosure requests).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { captureIo } from './support/cli.ts';
import { type Story, startStory, tomRequest } from './support/disclosure.ts';
import { ENGINES } from './support/engines.ts';

for (const engine of ENGINES) {
  describe(`mvid sweep on ${engine}`, () => {
    let story: Story;
    before(async () => {
      story = await startStory(engine);
    });
    after(async () => story?.stop());

    it('expires a disclosure request whose time is up (and reports every sweeper)', async () => {
      // Filed on the story's clock (June 2026); the command sweeps on the system clock, later.
      const filed = await story.authority.client.file(tomRequest(story, { emergency: true }));
      const env: Record<string, string> = {
        MVID_DATA_DIR: story.rt.config.dataDir,
        MVID_PUBLIC_URL: story.rt.config.publicUrl,
        ...(story.rt.config.databaseUrl ? { MVID_DATABASE_URL: story.rt.config.databaseUrl } : {}),
      };
      const io = captureIo(env);
      assert.equal(await runCli(['sweep'], io), 0, io.stderr);
      assert.match(io.stdout, /swept \d+ envelope\(s\)/);
      assert.match(io.stdout, /expired 1 disclosure request\(s\)/);
      assert.match(io.stdout, /worlds: \d+/);
      assert.match(io.stdout, /credentials: /);
      assert.equal((await story.authority.client.status(filed.requestId)).outcome, 'expired');
    });
  });
}
