/**
 * Every relative link and image in README and docs/ points at a file the repository has:
 * the walkthrough's screenshots, the docs linking each other, examples and deploy files.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './support/engines.ts';

const documents = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

test('relative links and images in README and docs/ resolve to files in the repository', () => {
  const broken: string[] = [];
  for (const doc of documents) {
    const text = readFileSync(join(REPO_ROOT, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const path = (target as string).split('#')[0] as string;
      if (!path || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/')) continue;
      if (!existsSync(join(REPO_ROOT, dirname(doc), decodeURIComponent(path)))) broken.push(`${doc} → ${target}`);
    }
  }
  assert.deepEqual(broken, []);
});
