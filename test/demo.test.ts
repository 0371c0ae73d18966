/**
 * `mvid demo` (`npm run demo`) tells the Tom story against a real, listening mvid —
 * embedded on a fresh data dir, or `--url` against a development server `npm start`
 * seeded — and fails (exit 1) at the first step that does not behave as narrated.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { Narrator, StoryFailure } from '../src/cli/demo/story.ts';
import { runCli } from '../src/cli/main.ts';
import { captureIo, startListening } from './support/cli.ts';
import { createTestDatabase } from './support/engines.ts';
import { freePort } from './support/worlds.ts';

/** The steps every telling must pass, in order. */
const STORY = [
  /Alice enrols .*\n\s+✓ Alice is person/,
  /Tom enrols .*\n\s+✓ Tom is person/,
  /Alice claims the handle .* signs in .*\n\s+✓ Plaza verified the ID token: pseudonym \S+, handle "alice/,
  /Tom claims the handle .* signs in .*\n\s+✓ Plaza verified the ID token/,
  /✓ two different pseudonyms/,
  /✓ refused: 409 person_already_enrolled/,
  /Plaza appoints two moderators.*\n\s+✓ two moderators of Plaza/,
  /Alice reports Tom .* with a screenshot\.\n\s+✓ report mr_/,
  /Mira .* suspends Tom in Plaza for 7 days.*\n\s+✓ rule "harassment"/,
  /✓ action taken/,
  /Tom tries to sign in to Plaza\.\n\s+✓ refused, on a page quoting the statement of reasons/,
  /Tom recovers his account.*\n\s+✓ still suspended in Plaza/,
  /✓ Harbor signs him in/,
  /Tom appeals.*\n\s+✓ reversed/,
  /✓ 1 report, 1 decision \(a suspension\), 1 appeal reversed/,
  /A court orders disclosure .* threat to life .*\n\s+✓ request \S+ for the name only/,
  /Trustee demo-alice checks the request against the public log .*\n\s+✓ approval logged/,
  /Trustee demo-bob checks/,
  /With two of five approvals .*\n\s+✓ nothing: release_not_ready/,
  /Trustee demo-carol verifies and approves.*\n\s+✓ approval logged at \d+; the log now proves three approvals, .* releasing the request/,
  /✓ Tom Tiddler, born 1994-03-14 — and nothing else/,
  /✓ \d+ entries verified against checkpoint \d+/,
  /Tom sees: Demo Police \(development only\) received his name and birth date/,
  /✓ totals .*"releases":\d.* identical when recomputed from the log/,
  /The story is told: every step behaved as narrated\./,
];

function assertStory(stdout: string): void {
  let rest = stdout;
  for (const step of STORY) {
    const m = step.exec(rest);
    assert.ok(m, `missing, or out of order: ${step}\n--- output ---\n${stdout}`);
    rest = rest.slice(m.index + m[0].length);
  }
  assert.doesNotMatch(stdout, /✗/);
}

describe('mvid demo', () => {
  it('tells the whole story against an embedded server, the notification delay included', async () => {
    const io = captureIo({}, tmpdir());
    assert.equal(await runCli(['demo'], io), 0, `${io.stdout}\n${io.stderr}`);
    assertStory(io.stdout);
    assert.match(io.stdout, /✓ nothing shown yet/);
    // A witness cosigns the log: the trustees demand its cosignature, and the log verifies with it
    // (the server waits for the cosignature before proving a fresh entry).
    assert.match(io.stdout, /pinned by every trustee client and 1 of 1 witness cosignatures demanded/);
    assert.match(io.stdout, /verified against checkpoint \d+, cosigned by 1 witness;/);
    assert.match(io.stdout, /30 days later, Tom looks at his account again/);
  });

  it('tells it with --url against a server npm start seeded, twice (each telling with people and a world of its own)', async () => {
    const db = await createTestDatabase('sqlite');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const served = await startListening(['serve'], {
      MVID_DATA_DIR: db.dataDir,
      MVID_PORT: String(port),
      MVID_PUBLIC_URL: url,
      MVID_LOG_LEVEL: 'warn',
    });
    try {
      for (let telling = 0; telling < 2; telling++) {
        const io = captureIo({ MVID_DATA_DIR: db.dataDir }, tmpdir());
        assert.equal(await runCli(['demo', '--url', url], io), 0, `${io.stdout}\n${io.stderr}`);
        assertStory(io.stdout);
        assert.match(io.stdout, /cannot wait for a delay/);
      }
    } finally {
      served.child.kill('SIGTERM');
      await db.drop();
    }
  });

  it('fails, naming the step, when a step does not behave as narrated', async () => {
    const lines: string[] = [];
    const say = new Narrator((line) => lines.push(line));
    assert.equal(await say.step('one and one make two', async () => [2, 'two']), 2);
    await assert.rejects(
      say.step('the server refuses a second enrolment', async (check) => {
        check(false, 'the second enrolment answered 201');
        return [undefined, 'refused'];
      }),
      (error: unknown) =>
        error instanceof StoryFailure && /step 2 did not behave as narrated: the second enrolment answered 201/.test(error.message),
    );
    assert.deepEqual(lines.slice(2), [
      '2. the server refuses a second enrolment',
      '   ✗ step 2 did not behave as narrated: the second enrolment answered 201',
    ]);
  });

  it('with --url on a data dir that was never seeded, says so and exits 1', async () => {
    const db = await createTestDatabase('sqlite');
    try {
      const io = captureIo({ MVID_DATA_DIR: db.dataDir }, tmpdir());
      assert.equal(await runCli(['demo', '--url', 'http://127.0.0.1:9'], io), 1);
      assert.match(io.stderr, /no demo material in .*demo-only: start that server once in development mode/);
    } finally {
      await db.drop();
    }
  });
});
