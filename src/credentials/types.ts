import { createHash } from 'node:crypto';
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
// Age predicates: computed in src/core (the registry stores age milestones, not birthdates)

export { AGE_THRESHOLDS, agePredicates, predicateValidUntil } from '../core/index.ts';
export type { AgePredicates } from '../core/index.ts';
