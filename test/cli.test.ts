import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { runCli } from '../src/cli/main.ts';
import { REPO_ROOT } from './support/engines.ts';
import { captureIo } from './support/cli.ts';

it('--version and --help exit 0; an unknown command exits 2', async () => {
  const v = captureIo();
  assert.equal(await runCli(['--version'], v), 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  const h = captureIo();
  assert.equal(await runCli(['--help'], h), 0);
  assert.match(h.stdout, /serve/);
  assert.match(h.stdout, /migrate/);
  const bad = captureIo();
  assert.equal(await runCli(['frobnicate'], bad), 2);
  assert.match(bad.stderr, /unknown command/);
});

it('init creates a private key directory and never overwrites', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mvid-cli-'));
  const io = captureIo({ MVID_DATA_DIR: dataDir });
  assert.equal(await runCli(['init'], io), 0);
  const keys = join(dataDir, 'keys');
  assert.equal(statSync(keys).mode & 0o777, 0o700);
  for (const file of readdirSync(keys)) {
    const mode = statSync(join(keys, file)).mode & 0o777;
    assert.ok(mode === 0o600 || mode === 0o700, `${file} has mode ${mode.toString(8)}`);
  }
  const again = captureIo({ MVID_DATA_DIR: dataDir });
  assert.equal(await runCli(['init'], again), 0);
  assert.match(again.stdout, /nothing created/);
});

it('migrate applies the schema; a bad config exits 1 with the variable named', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mvid-cli-'));
  const io = captureIo({ MVID_DATA_DIR: dataDir });
  assert.equal(await runCli(['migrate'], io), 0);
  assert.match(io.stdout, /sqlite: applied 0001_foundation/);
  const bad = captureIo({ MVID_DATA_DIR: dataDir, MVID_PORT: 'x' });
  assert.equal(await runCli(['migrate'], bad), 1);
  assert.match(bad.stderr, /MVID_PORT/);
});

it('the bin script runs under an older node by re-executing the pinned one', () => {
  // Debian's own node (20) cannot strip types; the bin script must hand over to node@24.
  const systemNode = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;
  const result = spawnSync(systemNode, [join(REPO_ROOT, 'bin', 'mvid.js'), '--version'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^\d+\.\d+\.\d+/);
});
