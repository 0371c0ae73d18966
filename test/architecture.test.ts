/**
 * The dependency rule, checked: domain folders never import the edges (http, web, cli,
 * server) or a database driver, and other folders enter a folder only through its index.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from './support/engines.ts';

const SRC = join(REPO_ROOT, 'src');
const EDGES = new Set(['http', 'web', 'cli', 'server']);
const DRIVERS = new Set(['pg', 'node:sqlite', 'pg-pool']);
/** Folders allowed to touch drivers: the two dialect files. */
const DRIVER_FILES = new Set([join('store', 'dialects', 'sqlite.ts'), join('store', 'dialects', 'postgres.ts')]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gms)) specs.push(m[1] as string);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1] as string);
  return specs;
}

const files = sourceFiles(SRC).map((path) => ({ path, rel: relative(SRC, path), folder: relative(SRC, path).split(sep)[0] as string }));

it('domain code imports no edge folder and no database driver', () => {
  const violations: string[] = [];
  for (const file of files) {
    if (EDGES.has(file.folder) || file.folder === 'sdk') continue;
    for (const spec of importsOf(file.path)) {
      if (DRIVERS.has(spec) && !DRIVER_FILES.has(file.rel)) violations.push(`${file.rel} imports driver ${spec}`);
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file.path), spec)).split(sep)[0] as string;
      if (EDGES.has(target)) violations.push(`${file.rel} imports edge ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});

it('folders import each other only through index.ts', () => {
  const violations: string[] = [];
  for (const file of files) {
    for (const spec of importsOf(file.path)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file.path), spec));
      const targetFolder = target.split(sep)[0] as string;
      if (targetFolder === file.folder || target.startsWith('..')) continue;
      if (target !== join(targetFolder, 'index.ts')) violations.push(`${file.rel} reaches into ${target}`);
    }
  }
  assert.deepEqual(violations, []);
});

it('the sdk is self-contained (a world imports it without the server): sdk, core and bbs only', () => {
  const violations: string[] = [];
  for (const file of files.filter((f) => f.folder === 'sdk')) {
    for (const spec of importsOf(file.path)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file.path), spec)).split(sep)[0] as string;
      if (target !== 'sdk' && target !== 'core' && target !== 'bbs') violations.push(`${file.rel} imports ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});

it('bbs is pure: it imports only core (the SDK, the browser bundles and the server share it)', () => {
  const violations: string[] = [];
  for (const file of files.filter((f) => f.folder === 'bbs')) {
    for (const spec of importsOf(file.path)) {
      if (spec.startsWith('node:')) violations.push(`${file.rel} imports ${spec}`);
      if (!spec.startsWith('.')) continue;
      const target = relative(SRC, resolve(dirname(file.path), spec)).split(sep)[0] as string;
      if (target !== 'bbs' && target !== 'core') violations.push(`${file.rel} imports ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});
