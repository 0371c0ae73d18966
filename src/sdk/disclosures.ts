import { decodeJson, isPlainObject, sha256Base64Url } from './encoding.ts';
import { PresentationError } from './errors.ts';

/**
 * Disclosure processing as RFC 9901 §7.1 prescribes, written out rather than
 * delegated: the generic library accepts disclosures nobody signed for, which
 * is how a holder would smuggle a claim from one credential into another.
 * Here every disclosure must be referenced by exactly one issuer-signed digest,
 * every digest may appear once, and a disclosed name may not shadow a claim.
 */

export interface Disclosure {
  /** The base64url form, as it travels. */
  readonly encoded: string;
  /** base64url(SHA-256(encoded)): what the issuer signed. */
  readonly digest: string;
  readonly salt: string;
  /** The claim name for an object property; undefined for an array element. */
  readonly name: string | undefined;
  readonly value: unknown;
}

/** Claims the SD-JWT VC spec forbids hiding: a disclosure must not be able to supply them. */
const NEVER_DISCLOSED = new Set(['iss', 'nbf', 'exp', 'iat', 'cnf', 'vct', 'vct#integrity', 'status', '_sd_alg']);
const MAX_DEPTH = 32;

/** Decodes one disclosure; throws `disclosure_invalid` when it is not `[salt, name, value]` or `[salt, value]`. */
export function parseDisclosure(encoded: string): Disclosure {
  const data = decodeJson(encoded);
  if (!Array.isArray(data) || (data.length !== 2 && data.length !== 3) || typeof data[0] !== 'string') {
    throw new PresentationError('disclosure_invalid', 'a disclosure is not a [salt, (name,) value] array');
  }
  const digest = sha256Base64Url(encoded);
  if (data.length === 2) return { encoded, digest, salt: data[0], name: undefined, value: data[1] };
  const name: unknown = data[1];
  if (typeof name !== 'string' || name === '_sd' || name === '...') {
    throw new PresentationError('disclosure_invalid', 'a disclosure has an invalid claim name');
  }
  return { encoded, digest, salt: data[0], name, value: data[2] };
}

/**
 * Replaces the digests of an issuer-signed payload with the disclosed values and
 * drops the undisclosed ones (and decoys).
 * @throws PresentationError `disclosure_invalid` for any duplicated, unreferenced
 *   or conflicting disclosure; `presentation_malformed` for a malformed `_sd`.
 */
export function unpackPayload(payload: Record<string, unknown>, disclosures: readonly Disclosure[]): Record<string, unknown> {
  const byDigest = new Map<string, Disclosure>();
  for (const d of disclosures) {
    if (byDigest.has(d.digest)) throw new PresentationError('disclosure_invalid', 'a disclosure is repeated');
    byDigest.set(d.digest, d);
  }
  const state: UnpackState = { byDigest, seen: new Set(), used: new Set() };
  const { _sd_alg: _ignored, ...rest } = payload;
  const processed = processObject(rest, state, 0, true);
  if (state.used.size !== byDigest.size) {
    throw new PresentationError('disclosure_invalid', 'a disclosure is not referenced by the issuer-signed digests');
  }
  return processed;
}

interface UnpackState {
  byDigest: Map<string, Disclosure>;
  /** Every digest met so far, disclosed or not: a repeat means the payload is forged or broken. */
  seen: Set<string>;
  used: Set<string>;
}

function processValue(value: unknown, state: UnpackState, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new PresentationError('presentation_malformed', 'claims are nested too deeply');
  if (Array.isArray(value)) return processArray(value, state, depth + 1);
  if (isPlainObject(value)) return processObject(value, state, depth + 1, false);
  return value;
}

function processObject(obj: Record<string, unknown>, state: UnpackState, depth: number, topLevel: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    if (key !== '_sd') setOwn(out, key, processValue(obj[key], state, depth));
  }
  const digests = obj._sd;
  if (digests === undefined) return out;
  if (!Array.isArray(digests)) throw new PresentationError('presentation_malformed', '_sd is not an array');
  for (const digest of digests) {
    if (typeof digest !== 'string') throw new PresentationError('presentation_malformed', '_sd holds a non-string');
    const disclosure = take(digest, state);
    if (disclosure === undefined) continue;
    const { name } = disclosure;
    if (name === undefined) throw new PresentationError('disclosure_invalid', 'an array-element disclosure is referenced from _sd');
    if (Object.hasOwn(out, name)) throw new PresentationError('disclosure_invalid', `disclosure would overwrite claim ${name}`);
    if (topLevel && NEVER_DISCLOSED.has(name)) {
      throw new PresentationError('disclosure_invalid', `claim ${name} must not be selectively disclosed`);
    }
    setOwn(out, name, processValue(disclosure.value, state, depth));
  }
  return out;
}

function processArray(arr: unknown[], state: UnpackState, depth: number): unknown[] {
  const out: unknown[] = [];
  for (const item of arr) {
    const keys = isPlainObject(item) ? Object.keys(item) : [];
    if (keys.length === 1 && keys[0] === '...') {
      const digest = (item as Record<string, unknown>)['...'];
      if (typeof digest !== 'string') throw new PresentationError('presentation_malformed', 'array digest is not a string');
      const disclosure = take(digest, state);
      if (disclosure === undefined) continue; // undisclosed element or decoy: removed, as the RFC says
      if (disclosure.name !== undefined) {
        throw new PresentationError('disclosure_invalid', 'an object-property disclosure is referenced from an array');
      }
      out.push(processValue(disclosure.value, state, depth));
    } else out.push(processValue(item, state, depth));
  }
  return out;
}

function take(digest: string, state: UnpackState): Disclosure | undefined {
  if (state.seen.has(digest)) throw new PresentationError('disclosure_invalid', 'a digest appears more than once');
  state.seen.add(digest);
  const disclosure = state.byDigest.get(digest);
  if (disclosure !== undefined) state.used.add(digest);
  return disclosure;
}

/** Defines an own property, so a claim named `__proto__` stays data and never becomes a prototype. */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
