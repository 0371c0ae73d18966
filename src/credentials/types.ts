import { createHash } from 'node:crypto';
import { ValidationError } from '../core/index.ts';
import type { JsonSchema } from '../sdk/index.ts';
import { ISO_3166_ALPHA2 } from './countries.ts';

/**
 * The credential types mvid issues. Natural characteristics (age predicates,
 * personhood, residence) come from mvid's own proofing; social characteristics
 * (occupation, membership) from registered attribute issuers. Each type is
 * deliberately poor in identifying data: predicates instead of a birthdate,
 * `verified_human: true` instead of any name.
 */
export const CREDENTIAL_KINDS = ['age', 'personhood', 'residence', 'occupation', 'membership'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

interface ClaimSpec {
  readonly name: string;
  readonly schema: Record<string, unknown>;
  readonly label: string;
  readonly description: string;
  /** Whether every credential of the type carries it (optional claims may be left out at issuance). */
  readonly required: boolean;
}

interface KindSpec {
  readonly name: string;
  readonly description: string;
  readonly background: string;
  readonly claims: readonly ClaimSpec[];
}

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const country = { type: 'string', enum: ISO_3166_ALPHA2 };
const predicate = (age: number): ClaimSpec => ({
  name: `age_over_${age}`,
  schema: { type: 'boolean' },
  label: `Over ${age}`,
  description: `Whether the holder is at least ${age} years old.`,
  required: true,
});

const KINDS: Readonly<Record<CredentialKind, KindSpec>> = {
  age: {
    name: 'Age',
    description: 'Age thresholds of the holder, without the date of birth.',
    background: '#1d4e89',
    claims: [predicate(13), predicate(16), predicate(18), predicate(21)],
  },
  personhood: {
    name: 'Personhood',
    description: 'The holder is a verified, unique human being; nothing else.',
    background: '#2a7f62',
    claims: [
      {
        name: 'verified_human',
        schema: { const: true },
        label: 'Verified human',
        description: 'The holder is a verified human.',
        required: true,
      },
    ],
  },
  residence: {
    name: 'Residence',
    description: 'The country the holder resides in.',
    background: '#7a3b69',
    claims: [{ name: 'country', schema: country, label: 'Country of residence', description: 'ISO 3166-1 alpha-2 code.', required: true }],
  },
  occupation: {
    name: 'Occupation',
    description: 'An occupation attested by a registered issuing body.',
    background: '#8a5a00',
    claims: [
      { name: 'occupation', schema: text(200), label: 'Occupation', description: 'The attested occupation.', required: true },
      { name: 'issuing_body', schema: text(200), label: 'Issuing body', description: 'Who attests the occupation.', required: true },
      {
        name: 'jurisdiction',
        schema: country,
        label: 'Jurisdiction',
        description: 'Where the occupation is recognised (ISO 3166-1 alpha-2).',
        required: false,
      },
    ],
  },
  membership: {
    name: 'Membership',
    description: 'Membership of an organisation, attested by that organisation.',
    background: '#5b4a9e',
    claims: [
      { name: 'organisation', schema: text(200), label: 'Organisation', description: 'The organisation.', required: true },
      { name: 'role', schema: text(100), label: 'Role', description: 'The role held in the organisation.', required: false },
      {
        name: 'member_since',
        schema: { type: 'integer', minimum: 1800, maximum: 9999 },
        label: 'Member since',
        description: 'Year membership began.',
        required: false,
      },
    ],
  },
};

/** @example isCredentialKind(request.params.kind) */
export function isCredentialKind(value: unknown): value is CredentialKind {
  return typeof value === 'string' && (CREDENTIAL_KINDS as readonly string[]).includes(value);
}

/** The claim names a credential of `kind` can carry, in issuance order. @example claimNames('residence') // ['country'] */
export function claimNames(kind: CredentialKind): string[] {
  return KINDS[kind].claims.map((c) => c.name);
}

/** The claims every credential of `kind` carries. @example requiredClaimNames('occupation') // ['occupation', 'issuing_body'] */
export function requiredClaimNames(kind: CredentialKind): string[] {
  return KINDS[kind].claims.filter((c) => c.required).map((c) => c.name);
}

/** The kind whose credentials carry claim `name`, if any (claim names are unique across kinds). @example kindOfClaim('age_over_18') // 'age' */
export function kindOfClaim(name: string): CredentialKind | undefined {
  return CREDENTIAL_KINDS.find((k) => KINDS[k].claims.some((c) => c.name === name));
}

/** Display name and description of a kind, for issuer metadata. */
export function kindDisplay(kind: CredentialKind): { name: string; description: string; background: string } {
  const { name, description, background } = KINDS[kind];
  return { name, description, background };
}

function base(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new TypeError(`publicUrl is not an absolute URL: ${publicUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('publicUrl must be http(s)');
  return url.href.replace(/\/+$/, '');
}

/**
 * The `vct` of a type: a URL under mvid's public base, where its metadata is served.
 * @example vctFor('https://mvid.example', 'age') // 'https://mvid.example/credentials/types/age'
 */
export function vctFor(publicUrl: string, kind: CredentialKind): string {
  return `${base(publicUrl)}/credentials/types/${kind}`;
}

/** Where the JSON Schema of a type is served. @example schemaUriFor(u, 'age') // 'https://mvid.example/credentials/schemas/age' */
export function schemaUriFor(publicUrl: string, kind: CredentialKind): string {
  return `${base(publicUrl)}/credentials/schemas/${kind}`;
}

/** The kind a `vct` names under this base URL, if any. @example kindOfVct(u, vctFor(u, 'age')) // 'age' */
export function kindOfVct(publicUrl: string, vct: string): CredentialKind | undefined {
  return CREDENTIAL_KINDS.find((k) => vctFor(publicUrl, k) === vct);
}

/**
 * The JSON Schema (draft 2020-12) of a credential after disclosure processing,
 * registered claims included. Type claims are optional in it because a
 * presentation legitimately hides them; `additionalProperties: false` because
 * a claim the type does not define has no business in it.
 *
 * @example validateJsonSchema(credentialSchema(u, 'residence'), verified.claims)
 */
export function credentialSchema(publicUrl: string, kind: CredentialKind): Record<string, unknown> {
  const spec = KINDS[kind];
  const vct = vctFor(publicUrl, kind);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: schemaUriFor(publicUrl, kind),
    title: spec.name,
    description: spec.description,
    type: 'object',
    properties: {
      iss: { type: 'string', minLength: 1 },
      vct: { const: vct },
      iat: { type: 'integer' },
      nbf: { type: 'integer' },
      exp: { type: 'integer' },
      cnf: { type: 'object', required: ['jwk'], properties: { jwk: { type: 'object' } } },
      status: {
        type: 'object',
        required: ['status_list'],
        properties: {
          status_list: {
            type: 'object',
            required: ['idx', 'uri'],
            properties: { idx: { type: 'integer', minimum: 0 }, uri: { type: 'string', minLength: 1 } },
          },
        },
      },
      ...Object.fromEntries(spec.claims.map((c) => [c.name, { description: c.description, ...c.schema }])),
    },
    required: ['iss', 'vct', 'cnf'],
    additionalProperties: false,
  };
}

/**
 * The schema of the claim set handed to issuance: stricter than the credential
 * schema, as nothing is hidden yet and required claims must be there.
 *
 * @example issueCredentials({ ...input, schema: issuanceClaimsSchema('occupation') })
 */
export function issuanceClaimsSchema(kind: CredentialKind): JsonSchema {
  const spec = KINDS[kind];
  return {
    type: 'object',
    properties: Object.fromEntries(spec.claims.map((c) => [c.name, c.schema])),
    required: spec.claims.filter((c) => c.required).map((c) => c.name),
    additionalProperties: false,
  };
}

/**
 * The exact bytes a document is served as; `#integrity` values are computed over them.
 * @example reply.send(serializeDocument(credentialSchema(publicUrl, 'age')))
 */
export function serializeDocument(document: unknown): string {
  return JSON.stringify(document);
}

export interface TypeMetadataOptions {
  /** `uri` (default): reference the schema by `schema_uri` plus integrity; `embed`: include it. */
  schema?: 'uri' | 'embed';
}

/**
 * The SD-JWT VC Type Metadata document of a type, served at its `vct` URL:
 * display names, one entry per claim with `sd: "always"` (every claim can be
 * withheld), and the schema by integrity-protected URI or embedded.
 *
 * @example
 * reply.type('application/json').send(serializeDocument(typeMetadata(publicUrl, 'age')));
 */
export function typeMetadata(publicUrl: string, kind: CredentialKind, options: TypeMetadataOptions = {}): Record<string, unknown> {
  const spec = KINDS[kind];
  const schema = credentialSchema(publicUrl, kind);
  const schemaRef =
    options.schema === 'embed'
      ? { schema }
      : { schema_uri: schemaUriFor(publicUrl, kind), 'schema_uri#integrity': integrityOf(serializeDocument(schema)) };
  return {
    vct: vctFor(publicUrl, kind),
    name: `mvid ${spec.name.toLowerCase()}`,
    description: spec.description,
    display: [
      {
        locale: 'en',
        name: spec.name,
        description: spec.description,
        rendering: { simple: { background_color: spec.background, text_color: '#ffffff' } },
      },
    ],
    claims: spec.claims.map((c) => ({
      path: [c.name],
      display: [{ locale: 'en', label: c.label, description: c.description }],
      sd: 'always',
      mandatory: c.required,
    })),
    ...schemaRef,
  };
}

/**
 * W3C Subresource Integrity value (`sha256-<base64>`), as SD-JWT VC `#integrity` members use.
 * @example integrityOf(serializeDocument(schema)) // 'sha256-…'
 */
export function integrityOf(served: string): string {
  return `sha256-${createHash('sha256').update(served, 'utf8').digest('base64')}`;
}

// ---------------------------------------------------------------------------
// Age predicates

/** The thresholds the `age` type attests, in ascending order. */
export const AGE_THRESHOLDS = [13, 16, 18, 21] as const;

export interface AgePredicates {
  age_over_13: boolean;
  age_over_16: boolean;
  age_over_18: boolean;
  age_over_21: boolean;
}

/**
 * A birthdate carries no time zone, so "turns 18 on 14 March" starts at a
 * different instant in Kiribati (UTC+14) than on Baker Island (UTC−12). mvid
 * flips predicates when the birthday starts in the LAST time zone, 12:00 UTC:
 * no predicate is ever true before the person has reached that age wherever
 * they live, at the cost of being up to 26 hours late for some.
 */
const LAST_ZONE_OFFSET_MS = 12 * 3_600_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface CivilDate {
  y: number;
  m: number;
  d: number;
}

function parseBirthdate(birthdate: string, now: Date): CivilDate {
  const match = typeof birthdate === 'string' ? DATE.exec(birthdate) : null;
  const [y, m, d] = match === null ? [Number.NaN, 0, 0] : [Number(match[1]), Number(match[2]), Number(match[3])];
  // Round-tripping through Date.UTC rejects 2023-02-29 and 2024-13-01 alike.
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  if (!Number.isFinite(t) || y < 1800 || back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    throw new ValidationError(`birthdate is not a valid YYYY-MM-DD date`, 'birthdate');
  }
  if (t + LAST_ZONE_OFFSET_MS > now.getTime()) throw new ValidationError('birthdate is in the future', 'birthdate');
  return { y, m, d };
}

/** Completed years on a calendar date; a 29 February birthday counts from 1 March in common years. */
function ageOn(birth: CivilDate, on: CivilDate): number {
  const beforeBirthday = on.m < birth.m || (on.m === birth.m && on.d < birth.d);
  return on.y - birth.y - (beforeBirthday ? 1 : 0);
}

/** The calendar date it is in the last time zone at `now`. */
function lastZoneDate(now: Date): CivilDate {
  const t = new Date(now.getTime() - LAST_ZONE_OFFSET_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/**
 * The age predicates of someone born on `birthdate` at instant `now`.
 * @throws ValidationError when the birthdate is not a real past date
 *
 * @example
 * agePredicates('2008-02-29', new Date('2026-03-01T12:00:00Z'))
 * // → { age_over_13: true, age_over_16: true, age_over_18: true, age_over_21: false }
 */
export function agePredicates(birthdate: string, now: Date): AgePredicates {
  const age = ageOn(parseBirthdate(birthdate, now), lastZoneDate(now));
  return { age_over_13: age >= 13, age_over_16: age >= 16, age_over_18: age >= 18, age_over_21: age >= 21 };
}

/**
 * The instant the next predicate of `agePredicates(birthdate, ·)` changes, or
 * null when none ever will (21 or older). An age credential must expire by then,
 * or it would go on saying "not 18" about an adult (or worse, the reverse).
 *
 * @example
 * predicateValidUntil('2008-02-29', new Date('2026-01-01T00:00:00Z')) // → 2026-03-01T12:00:00.000Z
 */
export function predicateValidUntil(birthdate: string, now: Date): Date | null {
  const birth = parseBirthdate(birthdate, now);
  for (const threshold of AGE_THRESHOLDS) {
    const y = birth.y + threshold;
    // 29 February in a common year: the birthday is reached on 1 March, as ageOn counts.
    const leapless = birth.m === 2 && birth.d === 29 && new Date(Date.UTC(y, 1, 29)).getUTCMonth() !== 1;
    const flip = leapless ? Date.UTC(y, 2, 1) : Date.UTC(y, birth.m - 1, birth.d);
    if (flip + LAST_ZONE_OFFSET_MS > now.getTime()) return new Date(flip + LAST_ZONE_OFFSET_MS);
  }
  return null;
}
