import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

/**
 * Worlds import the SDK on its own, so SDK code may import only Node, npm
 * packages, its own files, the shared kernel and the pure BBS code it ships
 * (src/bbs, blind sign-in; tests aside).
 */
test('SDK code imports nothing from src/ but itself, src/core/index.ts and src/bbs/index.ts', () => {
  const dir = new URL('.', import.meta.url);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const [, spec = ''] of source.matchAll(/\bfrom\s+'([^']+)'/g)) {
      if (!spec.startsWith('.')) continue;
      assert.ok(spec.startsWith('./') || spec === '../core/index.ts' || spec === '../bbs/index.ts', `${file} imports ${spec}`);
    }
  }
});
