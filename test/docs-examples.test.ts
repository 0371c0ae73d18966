/**
 * Every shell example the docs mark runnable (a fenced ```sh runnable block in README.md,
 * docs/*.md or examples/world/README.md) runs as written against a fresh development
 * server — with `mvid` meaning `node bin/mvid.js` from the repository, as the docs say.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { OFFENCE_CATEGORIES } from '../src/disclosure/index.ts';
import { captureIo, MVID_BIN, startListening } from './support/cli.ts';
import { createTestDatabase, REPO_ROOT, type TestDatabase } from './support/engines.ts';
import { freePort } from './support/worlds.ts';

const DOCS = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).map((f) => `docs/${f}`), 'examples/world/README.md'].filter((f) =>
  f.endsWith('.md'),
);

/** The runnable blocks of one Markdown file, with the line each starts on. */
export function runnableBlocks(markdown: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```sh\s+runnable\s*$/.test(lines[i] as string)) continue;
    const start = i + 1;
    while (++i < lines.length && lines[i] !== '```');
    blocks.push({ line: start, code: lines.slice(start, i).join('\n') });
  }
  return blocks;
}

const examples = DOCS.flatMap((file) => runnableBlocks(readFileSync(join(REPO_ROOT, file), 'utf8')).map((b) => ({ file, ...b })));

describe('runnable examples in the docs', () => {
  let db: TestDatabase;
  let served: Awaited<ReturnType<typeof startListening>>;
  let work: string;
  let env: Record<string, string>;
  before(async () => {
    db = await createTestDatabase('sqlite');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    env = { MVID_DATA_DIR: db.dataDir, MVID_PORT: String(port), MVID_PUBLIC_URL: url, MVID_LOG_LEVEL: 'warn' };
    served = await startListening(['serve'], env);
    work = mkdtempSync(join(tmpdir(), 'mvid-docs-'));
    // `mvid` as the docs define it: bin/mvid.js of this repository.
    const bin = join(work, '.bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'mvid'), `#!/bin/sh\nexec "${process.execPath}" "${MVID_BIN}" "$@"\n`);
    chmodSync(join(bin, 'mvid'), 0o755);
    env.PATH = `${bin}:${dirname(process.execPath)}:${process.env.PATH}`;
  });
  after(async () => {
    served?.child.kill('SIGTERM');
    if (work) rmSync(work, { recursive: true, force: true });
    await db?.drop();
  });

  it('there are runnable examples (registry enrolment, the key ceremony, the README)', () => {
    const files = new Set(examples.map((e) => e.file));
    for (const file of ['README.md', 'docs/registry.md', 'docs/operating.md'])
      assert.ok(files.has(file), `${file} has no runnable example`);
  });

  for (const example of examples) {
    it(`${example.file}:${example.line} runs as written`, () => {
      const run = spawnSync('bash', ['-euo', 'pipefail', '-c', example.code], {
        cwd: work,
        env: { ...(process.env as Record<string, string>), ...env },
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(run.status, 0, `exit ${run.status}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
    });
  }
});

it('authority request --help lists every offence category and the field groups', async () => {
  const io = captureIo();
  assert.equal(await runCli(['authority', 'request', '--help'], io), 0);
  for (const category of OFFENCE_CATEGORIES) assert.match(io.stdout, new RegExp(`^  ${category}$`, 'm'));
  assert.match(io.stdout, /name_birth, identifier, document, contact/);
});
