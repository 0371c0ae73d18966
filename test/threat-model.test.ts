/**
 * docs/threat-model.md maps every threat to the tests that cover it (issue 14): each
 * numbered threat says `Tests:` and names at least one test file, each row of a threat
 * table names one in its `test` column, and each out-of-scope item names one or says
 * "Not covered" and why. Every test file the document names exists, so a renamed or
 * deleted test breaks the map here rather than silently.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './support/engines.ts';

const DOC = readFileSync(join(REPO_ROOT, 'docs/threat-model.md'), 'utf8');
const TEST_FILE = /`((?:test|src)\/[\w./-]+\.test\.ts)`/g;

/** The test files a piece of the document names. */
const testFiles = (text: string) => [...text.matchAll(TEST_FILE)].map((m) => m[1] as string);
const exists = (file: string) => existsSync(join(REPO_ROOT, file));

/** The text under a `## ` heading, up to the next `## ` heading (its `###` subsections included). */
function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}`);
  assert.ok(start >= 0, `docs/threat-model.md has a "## ${title}" section`);
  const next = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, next < 0 ? undefined : next);
}

/** What a piece of the map lacks: an existing test file, or (where allowed) a reasoned "Not covered". */
function gap(text: string, notCoveredAllowed: boolean): string | undefined {
  const files = testFiles(text);
  if (files.some(exists)) return undefined;
  if (notCoveredAllowed && /Not covered[^.]*?:\s*\S+(\s+\S+){2,}/.test(text)) return undefined;
  return files.length > 0 ? `names only missing files: ${files.join(', ')}` : 'names no test file';
}

test('every numbered threat names the test files that cover it', () => {
  const text = section('Adversaries and answers');
  const starts = [...text.matchAll(/^ {0,3}(\d+a?)\. \*\*/gm)].map((m) => ({ id: m[1] as string, at: m.index }));
  assert.ok(starts.length >= 17, `${starts.length} numbered threats`);
  assert.equal(new Set(starts.map((s) => s.id)).size, starts.length, 'threat numbers are unique');
  const missing = starts.flatMap(({ id, at }, i) => {
    const rest = text.slice(at, starts[i + 1]?.at);
    const item = rest.slice(0, rest.search(/\n#{2,3} |\n\|/) >>> 0);
    if (!/\bTests:/.test(item)) return [`${id}: no "Tests:"`];
    const why = gap(item, false);
    return why ? [`${id}: ${why}`] : [];
  });
  assert.deepEqual(missing, []);
});

test('every row of a threat table names the test files that cover it', () => {
  const lines = DOC.split('\n');
  let column = -1;
  let rows = 0;
  const missing: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('|')) {
      column = -1;
      continue;
    }
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    if (column < 0) {
      column = cells[0] === 'threat' ? cells.indexOf('test') : -1;
      continue;
    }
    if (/^-+$/.test(cells[0] ?? '')) continue;
    rows++;
    const why = gap(cells[column] ?? '', false);
    if (why) missing.push(`${cells[0]?.slice(0, 80)}: ${why}`);
  }
  assert.ok(rows >= 13, `${rows} table rows`);
  assert.deepEqual(missing, []);
});

test('every out-of-scope item names its tests, or says why it is not covered', () => {
  const items = section('Out of scope / accepted risks')
    .split(/\n- /)
    .slice(1)
    .map((item) => item.trim());
  assert.ok(items.length >= 5, `${items.length} items`);
  const missing = items.flatMap((item) => {
    const why = gap(item, true);
    return why ? [`${item.slice(0, 80)}: ${why}`] : [];
  });
  assert.deepEqual(missing, []);
});

test('every test file the threat model names exists', () => {
  assert.deepEqual(
    testFiles(DOC).filter((file) => !exists(file)),
    [],
  );
});
