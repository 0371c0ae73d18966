/**
 * docs/deploy.md and deploy/ stay true: the cluster section names every variable the
 * cluster test sets, and every variable the guide or the manifests use is a real,
 * documented setting.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from './support/engines.ts';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const variables = (text: string) => new Set(text.match(/MVID_[A-Z0-9_]*[A-Z0-9]/g) ?? []);

function files(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(REPO_ROOT, path)).isDirectory() ? files(path) : [path];
  });
}

/** The configuration reference (generated from src/config): the variables a user may set. */
const documented = variables(read('docs/operating.md').split('## Configuration reference')[1]?.split('\n## ')[0] ?? '');

it('the cluster section of docs/deploy.md sets what the cluster test sets', () => {
  const test = read('test/cluster.test.ts');
  const envBlock = /env = \{([^}]*)\}/.exec(test)?.[1] ?? '';
  const used = [...variables(envBlock), 'MVID_DATA_DIR'];
  assert.ok(used.length >= 6, envBlock);
  const cluster = read('docs/deploy.md').split('## Cluster')[1] ?? '';
  const missing = used.filter((name) => !cluster.includes(name));
  assert.deepEqual(missing, []);
});

it('every variable in docs/deploy.md and deploy/ is a documented setting', () => {
  const unknown: string[] = [];
  for (const path of ['docs/deploy.md', ...files('deploy')]) {
    for (const name of variables(read(path))) if (!documented.has(name)) unknown.push(`${path}: ${name}`);
  }
  assert.deepEqual(unknown, []);
});

it('the manifests probe the health routes the server has', () => {
  const health = read('src/http/routes/health.ts');
  const deployment = read('deploy/kubernetes/deployment.yaml');
  for (const path of ['/healthz', '/readyz']) {
    assert.ok(health.includes(`'${path}'`));
    assert.ok(deployment.includes(`path: ${path}`));
  }
});
