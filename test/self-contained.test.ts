/**
 * The repository carries every file it builds and tests with: a fresh clone with
 * nothing beside it must pass. This test fails when any code or script in the
 * repository names a path outside it — the sibling `shared` folder, a path built from
 * `import.meta.dirname` (or a root derived from it) that climbs above the
 * repository root, or an absolute path into someone's work folder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './support/engines.ts';

const SCANNED = /\.(ts|js|mjs|cjs|sh|json)$|(^|\/)\.ci\/run$/;

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return out
    .split('\n')
    .filter(
      (f) =>
        f && SCANNED.test(f) && !f.startsWith('test/fixtures/vectors/') && f !== 'package-lock.json' && f !== 'test/self-contained.test.ts',
    );
}

const inside = (path: string): boolean => {
  const rel = relative(REPO_ROOT, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
};

const literalArgs = (args: string): string[] | undefined => {
  const parts = args
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const values: string[] = [];
  for (const part of parts) {
    const m = /^(['"])([^'"]*)\1$/.exec(part);
    if (!m) return undefined;
    values.push(m[2] as string);
  }
  return values;
};

/** The paths a file builds from its own folder, through `resolve|join(import.meta.dirname, …)` and names bound to them. */
export function escapingPaths(file: string, source: string): string[] {
  const dir = dirname(join(REPO_ROOT, file));
  const bases = new Map<string, string>([
    ['import.meta.dirname', dir],
    ['__dirname', dir],
  ]);
  const problems: string[] = [];
  const call =
    /(?:const|let|var)?\s*(\w+)?\s*=?\s*(?:path\.)?(?:resolve|join)\(\s*(import\.meta\.dirname|__dirname|[A-Za-z_]\w*)\s*((?:,\s*(?:'[^']*'|"[^"]*"))*)\s*\)/g;
  for (const m of source.matchAll(call)) {
    const [, boundName, baseName, rest] = m;
    const base = bases.get(baseName as string);
    if (base === undefined) continue;
    const args = literalArgs((rest ?? '').replace(/^\s*,/, ''));
    if (!args) continue;
    const target = resolve(base, ...args);
    if (!inside(target)) problems.push(`${file}: ${m[0].trim()} → ${target}`);
    if (boundName) bases.set(boundName, target);
  }
  if (/\.\.\/shared\b|['"]\.\.['"]\s*,\s*['"]shared['"]/.test(source)) problems.push(`${file}: names the sibling shared folder`);
  if (/['"`]\/work\//.test(source)) problems.push(`${file}: names an absolute /work/ path`);
  return problems;
}

test('no code, test or script in the repository reads outside it', () => {
  const problems = trackedFiles().flatMap((file) => escapingPaths(file, readFileSync(join(REPO_ROOT, file), 'utf8')));
  assert.deepEqual(problems, []);
});

test('the checker catches a path climbing out of the repository', () => {
  const climbing = "const ROOT = resolve(import.meta.dirname, '..', '..');\nconst V = resolve(ROOT, '..', 'vectors');";
  assert.equal(escapingPaths('src/tlog/x.ts', climbing).length, 1);
  // Spelled in parts so that this file does not itself name the folder it forbids.
  const sibling = ['..', 'shared', 'vectors', 'a.json'].join('/');
  assert.equal(escapingPaths('src/tlog/x.ts', `readFileSync('${sibling}')`).length, 1);
  assert.deepEqual(
    escapingPaths('src/tlog/x.ts', "const ROOT = resolve(import.meta.dirname, '..', '..');\nresolve(ROOT, 'test', 'fixtures')"),
    [],
  );
});
