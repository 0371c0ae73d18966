/**
 * The little the service must read itself (birthdate for age predicates, nationality and
 * residence country it issues as attributes) is sealed with the data-at-rest key from the
 * key directory (src/crypto at-rest: AES-256-GCM), AAD = (person id, field), so a copied
 * database reveals nothing and a sealed value cannot be moved to another person or field.
 */
import type { Random } from '../core/index.ts';
import { openAtRest, sealAtRest } from '../crypto/index.ts';

const context = (personId: string, field: string) => ['mvid attribute v1', personId, field];

/** Seals one attribute value (any JSON) for one person and field. */
export function sealAttribute(key: Uint8Array, personId: string, field: string, value: unknown, random: Random): Uint8Array {
  return sealAtRest(key, context(personId, field), value, random);
}

/** Opens a sealed attribute; a wrong key, person, field or tampered bytes throw `internal_error`. */
export function openAttribute(key: Uint8Array, personId: string, field: string, sealed: Uint8Array): unknown {
  return openAtRest(key, context(personId, field), sealed, `attribute ${field}`);
}
