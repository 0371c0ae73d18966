/**
 * The browser bundles of src/web/assets/ (built from src/web/browser/ by
 * `npm run web:build`), read once and served from 'self' under /assets/. A page names
 * one by `assetUrl()`, whose `?v=` changes with the content, so browsers may cache it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface WebAsset {
  body: string;
  /** The first 16 hex digits of the SHA-256 of `body`. */
  version: string;
}

const NAME = /^[a-z][a-z0-9-]*\.js$/;

const cache = new Map<string, WebAsset | null>();

/** The bundle named `name` (e.g. `transparency-verify.js`), or null when there is none. */
export function webAsset(name: string): WebAsset | null {
  if (!NAME.test(name)) return null;
  let asset = cache.get(name);
  if (asset === undefined) {
    try {
      const body = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
      asset = { body, version: createHash('sha256').update(body).digest('hex').slice(0, 16) };
    } catch {
      asset = null;
    }
    cache.set(name, asset);
  }
  return asset;
}

/** The URL a page loads a bundle from. */
export function assetUrl(name: string): string {
  const asset = webAsset(name);
  if (asset === null) throw new Error(`src/web/assets/${name} is missing: run npm run web:build`);
  return `/assets/${name}?v=${asset.version}`;
}
