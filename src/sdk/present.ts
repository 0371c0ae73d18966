import { parseDisclosure } from './disclosures.ts';
import type { Disclosure } from './disclosures.ts';
import { encodeBase64Url, epochSeconds, isPlainObject, sha256Base64Url } from './encoding.ts';
import { PresentationError } from './errors.ts';
import { parseCompactJws, publicJwkOf, signJwsInput, toPrivateKey } from './jws.ts';
import type { PrivateKeyInput } from './jws.ts';

/**
 * The holder side: choose what to show, then bind it to one verifier and one
 * nonce with a KB-JWT, so what a world receives is useless to anyone else.
 */

export interface KeyBindingOptions {
  holderPrivateKey: PrivateKeyInput;
  /** The verifier's identifier (its `aud`). */
  audience: string;
  /** The nonce the verifier issued. */
  nonce: string;
  now: Date;
}

export interface PresentOptions extends KeyBindingOptions {
  /** Top-level claim names to reveal; everything else stays hidden. */
  disclose: readonly string[];
}

/**
 * Makes a presentation of an issued SD-JWT VC revealing only `disclose`. A
 * disclosed object or array is revealed whole, nested disclosures included.
 * @throws PresentationError `claims_missing` when the credential has no such claim
 * @throws TypeError when the key is not the credential's holder key
 *
 * @example
 * const presentation = await presentCredential(sdJwt, {
 *   disclose: ['age_over_18'], holderPrivateKey, audience: 'https://world.example', nonce, now: new Date(),
 * });
 */
export async function presentCredential(sdJwt: string, options: PresentOptions): Promise<string> {
  if (!Array.isArray(options?.disclose)) throw new TypeError('options.disclose must be an array of claim names');
  const { issuerJwt, disclosures } = splitIssued(sdJwt);
  const payload = parseCompactJws(issuerJwt)?.payload;
  if (payload === undefined) throw new TypeError('not an SD-JWT: the issuer JWT is malformed');
  checkHolderKey(payload, options.holderPrivateKey);

  const byDigest = new Map(disclosures.map((d) => [d.digest, d]));
  const chosen = new Set<Disclosure>();
  const topLevel = new Map<string, Disclosure>();
  for (const digest of Array.isArray(payload._sd) ? payload._sd : []) {
    const d = byDigest.get(digest as string);
    if (d?.name !== undefined) topLevel.set(d.name, d);
  }
  for (const name of options.disclose) {
    const d = topLevel.get(name);
    if (d !== undefined) {
      chosen.add(d);
      collectNested(d.value, byDigest, chosen);
    } else if (!Object.hasOwn(payload, name) || name === '_sd') {
      throw new PresentationError('claims_missing', `the credential has no claim ${name}`);
    }
  }
  // Keep the issued order: the subset says what is shown, not the order it was picked in.
  const shown = disclosures.filter((d) => chosen.has(d)).map((d) => d.encoded);
  return bindPresentation(`${[issuerJwt, ...shown].join('~')}~`, options);
}

/**
 * Appends a KB-JWT (`typ: kb+jwt`, `aud`, `nonce`, `iat`, `sd_hash`) to an SD-JWT
 * that ends with `~`. Lower level than `presentCredential`: it signs whatever
 * disclosures it is given.
 *
 * @example
 * const presentation = await bindPresentation(`${jwt}~${disclosure}~`, { holderPrivateKey, audience, nonce, now });
 */
export async function bindPresentation(sdJwt: string, options: KeyBindingOptions): Promise<string> {
  if (typeof sdJwt !== 'string' || !sdJwt.endsWith('~')) throw new TypeError('expected an SD-JWT ending with ~ (no KB-JWT yet)');
  if (typeof options.audience !== 'string' || options.audience === '') throw new TypeError('options.audience must be a non-empty string');
  if (typeof options.nonce !== 'string' || options.nonce === '') throw new TypeError('options.nonce must be a non-empty string');
  if (!(options.now instanceof Date)) throw new TypeError('options.now must be a Date');
  const { key, alg } = toPrivateKey(options.holderPrivateKey);
  const header = { typ: 'kb+jwt', alg };
  const payload = { iat: epochSeconds(options.now), aud: options.audience, nonce: options.nonce, sd_hash: sha256Base64Url(sdJwt) };
  const input = `${encodeBase64Url(JSON.stringify(header))}.${encodeBase64Url(JSON.stringify(payload))}`;
  return `${sdJwt}${input}.${signJwsInput(input, key, alg)}`;
}

function splitIssued(sdJwt: string): { issuerJwt: string; disclosures: Disclosure[] } {
  if (typeof sdJwt !== 'string' || !sdJwt.endsWith('~')) throw new TypeError('expected an issued SD-JWT ending with ~');
  const [issuerJwt = '', ...rest] = sdJwt.slice(0, -1).split('~');
  return { issuerJwt, disclosures: rest.map(parseDisclosure) };
}

/** Signing with the wrong key would make a presentation every verifier refuses; say so early. */
function checkHolderKey(payload: Record<string, unknown>, holderPrivateKey: PrivateKeyInput): void {
  const cnf = isPlainObject(payload.cnf) && isPlainObject(payload.cnf.jwk) ? payload.cnf.jwk : undefined;
  if (cnf === undefined) throw new TypeError('the credential has no cnf.jwk holder key');
  const mine = publicJwkOf(toPrivateKey(holderPrivateKey).key);
  if (mine.kty !== cnf.kty || mine.crv !== cnf.crv || mine.x !== cnf.x || mine.y !== cnf.y) {
    throw new TypeError('holderPrivateKey is not the key this credential is bound to');
  }
}

function collectNested(value: unknown, byDigest: Map<string, Disclosure>, into: Set<Disclosure>): void {
  const include = (digest: unknown): void => {
    const d = typeof digest === 'string' ? byDigest.get(digest) : undefined;
    if (d !== undefined && !into.has(d)) {
      into.add(d);
      collectNested(d.value, byDigest, into);
    }
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isPlainObject(item) && Object.keys(item).length === 1 && '...' in item) include(item['...']);
      else collectNested(item, byDigest, into);
    }
  } else if (isPlainObject(value)) {
    if (Array.isArray(value._sd)) value._sd.forEach(include);
    for (const [k, v] of Object.entries(value)) if (k !== '_sd') collectNested(v, byDigest, into);
  }
}
