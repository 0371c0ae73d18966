/**
 * The claims of a person-identification credential (PID) as mvid reads them, their
 * validation, and how they are split: into escrow field groups (sealed to the trustees)
 * and the few service-readable attributes. Nothing else of a PID is kept.
 */
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type AgeSource, ageMilestones, isAgeMilestones, MvidError } from '../core/index.ts';
import type { FieldGroup, ServiceAttribute } from './types.ts';

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Country = Type.String({ pattern: '^[A-Z]{2}$' });

/** Claim names mvid reads from a PID (EU PID names, plus the identifier and its namespace). */
export const PID_CLAIMS = [
  'given_name',
  'family_name',
  'birthdate',
  'birth_place',
  'nationalities',
  'unique_id',
  'unique_id_namespace',
  'document_number',
  'address',
  'email',
  'phone_number',
] as const;

export const REQUIRED_PID_CLAIMS = ['given_name', 'family_name', 'birthdate', 'nationalities', 'unique_id', 'unique_id_namespace'] as const;

export const PidClaimsSchema = Type.Object({
  given_name: Text(200),
  family_name: Text(200),
  birthdate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  birth_place: Type.Optional(Text(200)),
  nationalities: Type.Array(Country, { minItems: 1, maxItems: 10 }),
  unique_id: Text(64),
  /** e.g. `FR:nir`, `SE:personnummer`: country and scheme of the identifier. */
  unique_id_namespace: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$' }),
  document_number: Type.Optional(Text(64)),
  address: Type.Optional(
    Type.Object(
      {
        street_address: Type.Optional(Text(200)),
        locality: Type.Optional(Text(200)),
        region: Type.Optional(Text(200)),
        postal_code: Type.Optional(Text(20)),
        country: Type.Optional(Country),
      },
      { additionalProperties: false },
    ),
  ),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' })),
  phone_number: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{3,32}$' })),
});

export type PidClaims = Static<typeof PidClaimsSchema>;

/** Whether `text` is a real calendar date (Feb 30 is not), no later than `today`. */
function isPlausibleBirthdate(text: string, today: Date): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) && date <= today && text >= '1900-01-01';
}

/**
 * Picks and validates the PID claims mvid uses from a verified credential's claims,
 * restricted to those the issuer is registered to attest.
 * @throws MvidError claims_missing | schema_violation
 */
export function readPidClaims(claims: Record<string, unknown>, attested: readonly string[], today: Date): PidClaims {
  const picked: Record<string, unknown> = {};
  for (const name of PID_CLAIMS) if (attested.includes(name) && Object.hasOwn(claims, name)) picked[name] = claims[name];
  const missing = REQUIRED_PID_CLAIMS.filter((name) => !Object.hasOwn(picked, name));
  if (missing.length > 0) {
    throw new MvidError('claims_missing', `the PID lacks (or its issuer does not attest) ${missing.join(', ')}`, {
      extensions: { missing },
    });
  }
  return validatePidClaims(picked, today);
}

/**
 * Checks PID claims against the schema and for a plausible date of birth.
 * @throws MvidError schema_violation
 */
export function validatePidClaims(claims: Record<string, unknown>, today: Date): PidClaims {
  const first = Value.Errors(PidClaimsSchema, claims).First();
  if (first) throw new MvidError('schema_violation', `PID claim ${first.path} ${first.message}`, { extensions: { field: first.path } });
  const pid = claims as PidClaims;
  if (!isPlausibleBirthdate(pid.birthdate, today)) {
    throw new MvidError('schema_violation', 'PID claim /birthdate is not a plausible date of birth', {
      extensions: { field: '/birthdate' },
    });
  }
  return pid;
}

/** Where the credential came from: recorded in the `document` envelope, never in clear. */
export interface PidProvenance {
  iss: string;
  issuerName: string;
  vct: string;
  issuedAt: string | null;
  expiresAt: string | null;
}

/** The legal identity, split into the field groups sealed one envelope each. */
export function fieldGroupsOf(pid: PidClaims, provenance: PidProvenance): Record<FieldGroup, Record<string, unknown>> {
  const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    name_birth: defined({
      given_name: pid.given_name,
      family_name: pid.family_name,
      birthdate: pid.birthdate,
      birth_place: pid.birth_place,
      nationalities: pid.nationalities,
    }),
    identifier: { namespace: pid.unique_id_namespace, unique_id: pid.unique_id },
    document: defined({ document_number: pid.document_number, ...provenance }),
    contact: defined({ address: pid.address, email: pid.email, phone_number: pid.phone_number }),
  };
}

/**
 * What age predicates are computed from for a person's stored attributes: the age
 * milestones, or the full birthdate of a record written before milestones existed.
 */
export function ageSourceOf(attributes: Record<string, unknown>): AgeSource | null {
  if (isAgeMilestones(attributes.age_milestones)) return attributes.age_milestones;
  return typeof attributes.birthdate === 'string' ? attributes.birthdate : null;
}

/** The attributes the service reads itself (age predicates, issued nationality/residence). */
export function serviceAttributesOf(pid: PidClaims, now: Date): Record<ServiceAttribute, unknown> {
  return {
    age_milestones: ageMilestones(pid.birthdate, now),
    nationalities: pid.nationalities,
    residence_country: pid.address?.country ?? null,
  };
}
