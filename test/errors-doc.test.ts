import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ERROR_CODES } from '../src/core/index.ts';
import { REPO_ROOT } from './support/engines.ts';

it('docs/errors.md lists exactly the codes of ERROR_CODES, with their statuses', () => {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = new Map<string, number>();
  for (const match of text.matchAll(/^\| `([a-z0-9_]+)` \| (\d{3}) \|/gm)) {
    assert.ok(!documented.has(match[1] as string), `${match[1]} is documented twice`);
    documented.set(match[1] as string, Number(match[2]));
  }
  const codes = Object.entries(ERROR_CODES) as Array<[string, { status: number }]>;
  for (const [code, { status }] of codes) {
    assert.ok(documented.has(code), `code ${code} is missing from docs/errors.md`);
    assert.equal(documented.get(code), status, `docs/errors.md gives ${code} another status`);
  }
  for (const code of documented.keys()) assert.ok(code in ERROR_CODES, `docs/errors.md documents unknown code ${code}`);
});
