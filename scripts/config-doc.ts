/**
 * Writes the configuration reference of docs/operating.md from src/config's schema
 * (`npm run docs:config`); `--check` only says whether the doc is up to date (exit 1 if not).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_DOC_BEGIN, CONFIG_DOC_END, renderConfigReference } from '../src/config/index.ts';

export const OPERATING_DOC = join(import.meta.dirname, '..', 'docs', 'operating.md');

/** The doc with its generated section replaced by the current reference. */
export function withCurrentReference(doc: string): string {
  const begin = doc.indexOf(CONFIG_DOC_BEGIN);
  const end = doc.indexOf(CONFIG_DOC_END);
  if (begin < 0 || end < begin) throw new Error(`${OPERATING_DOC} lacks the config-reference markers`);
  return `${doc.slice(0, begin + CONFIG_DOC_BEGIN.length)}\n${renderConfigReference()}\n${doc.slice(end)}`;
}

if (import.meta.main) {
  const doc = readFileSync(OPERATING_DOC, 'utf8');
  const current = withCurrentReference(doc);
  if (process.argv.includes('--check')) {
    if (current !== doc) {
      process.stderr.write('docs/operating.md: the configuration reference is out of date; run npm run docs:config\n');
      process.exit(1);
    }
  } else if (current !== doc) {
    writeFileSync(OPERATING_DOC, current);
    process.stderr.write('docs/operating.md: configuration reference updated\n');
  }
}
