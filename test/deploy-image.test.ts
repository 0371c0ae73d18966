/**
 * A rehearsal of deploy/Dockerfile without a container engine (none runs on the CI machine):
 * the files the image copies (the repository minus .dockerignore), the build stage's own
 * install command run in a fresh directory, and the image's ENTRYPOINT and CMD started there
 * with its ENV. It proves what an image build would: production dependencies alone run mvid
 * (no devDependency imported at run time), the entry point exists after the install, and the
 * server it starts answers /healthz and /readyz. The base image and its apt packages are the
 * registry build machine's to check (docs/deploy.md).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startListening } from './support/cli.ts';
import { REPO_ROOT } from './support/engines.ts';
import { freePort } from './support/worlds.ts';

interface Dockerfile {
  /** The build stage's RUN commands, in order. */
  buildRuns: string[];
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
}

/** The few instructions the rehearsal follows, from the file itself (continuation lines joined). */
function parseDockerfile(text: string): Dockerfile {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const stages: string[][] = [];
  for (const line of lines) {
    if (line.startsWith('FROM ')) stages.push([]);
    stages.at(-1)?.push(line);
  }
  const [build = [], final = []] = stages;
  const args = (stage: string[], keyword: string) => {
    const line = stage.find((l) => l.startsWith(`${keyword} `));
    return line === undefined ? [] : (JSON.parse(line.slice(keyword.length + 1)) as string[]);
  };
  const env: Record<string, string> = {};
  for (const line of final.filter((l) => l.startsWith('ENV ')))
    for (const [, name, value] of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[name as string] = value as string;
  return {
    buildRuns: build.filter((l) => l.startsWith('RUN ')).map((l) => l.slice(4)),
    entrypoint: args(final, 'ENTRYPOINT'),
    cmd: args(final, 'CMD'),
    env,
  };
}

/** What `COPY . .` takes: the repository's files, less what .dockerignore names. */
function contextFiles(): string[] {
  const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim().replace(/\/$/, ''))
    .filter((l) => l !== '' && !l.startsWith('#'));
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '');
  // Docker's patterns are root-relative globs (`*` within a name, `**/` any depth); a match covers what is below it.
  const patterns = ignored.map((p) => {
    const glob = p
      .split(/(\*\*\/|\*)/)
      .map((part) => (part === '**/' ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${glob}(?:/.*)?$`);
  });
  return tracked.filter((f) => !patterns.some((p) => p.test(f)));
}

describe('deploy/Dockerfile, rehearsed', () => {
  const dockerfile = parseDockerfile(readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8'));
  let root: string;
  let image: string;

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'mvid-image-'));
    image = join(root, 'opt', 'mvid');
    for (const file of contextFiles()) {
      mkdirSync(dirname(join(image, file)), { recursive: true });
      cpSync(join(REPO_ROOT, file), join(image, file));
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('copies no local state into the image', () => {
    const files = contextFiles();
    for (const local of ['node_modules/', 'data/', '.mvid-test/', 'test-results/', '.git/'])
      assert.equal(
        files.find((f) => f.startsWith(local)),
        undefined,
        `${local} must be in .dockerignore`,
      );
    assert.ok(files.includes('package-lock.json') && files.includes('bin/mvid.js'));
  });

  it("installs with the build stage's command and starts with the image's entry point", { timeout: 240_000 }, async () => {
    const install = dockerfile.buildRuns.find((r) => r.includes('npm ci'));
    assert.ok(install?.includes('--omit=dev'), 'the image installs production dependencies only');
    // The same install, from the npm cache the test run's own `npm ci` filled (no download when it holds everything).
    execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: image, stdio: 'pipe' });
    const [node, bin, ...rest] = dockerfile.entrypoint.map((p) => p.replace('/opt/mvid', image));
    assert.ok(node !== undefined && bin !== undefined && rest.length === 0, JSON.stringify(dockerfile.entrypoint));
    assert.deepEqual(dockerfile.cmd, ['serve']);
    const dataDir = join(root, 'var', 'lib', 'mvid');
    const port = await freePort();
    const server = await startListening(
      dockerfile.cmd,
      {
        ...dockerfile.env,
        // Loopback only in a test; the image listens on every interface.
        MVID_HOST: '127.0.0.1',
        MVID_PORT: String(port),
        MVID_DATA_DIR: dataDir,
        MVID_PUBLIC_URL: `http://localhost:${port}`,
        MVID_LOG_LEVEL: 'warn',
      },
      { node, bin, cwd: image },
    );
    try {
      assert.equal(dockerfile.env.MVID_DATA_DIR, '/var/lib/mvid');
      for (const path of ['/healthz', '/readyz']) {
        const answer = await fetch(`${server.url}${path}`);
        assert.equal(answer.status, 200, `${path}: ${await answer.text()}`);
      }
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
  });
});
