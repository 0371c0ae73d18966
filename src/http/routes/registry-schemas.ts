/** TypeBox schemas of the registry API: closed request bodies with size limits, and the responses. */
import { Type } from '@sinclair/typebox';
import { FIELD_GROUPS, MAX_PID_LENGTH, PID_CLAIMS } from '../../registry/index.ts';

const Id = Type.String({ minLength: 1, maxLength: 128 });
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);
const Compact = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[A-Za-z0-9_.~-]+$' });
const Free = Type.Record(Type.String(), Type.Unknown());

export const Jwk = Type.Object(
  {
    kty: Type.String({ maxLength: 8 }),
    crv: Type.String({ maxLength: 16 }),
    x: Type.String({ maxLength: 128 }),
    y: Type.Optional(Type.String({ maxLength: 128 })),
    kid: Type.Optional(Type.String({ maxLength: 200 })),
    alg: Type.Optional(Type.String({ maxLength: 16 })),
    use: Type.Optional(Type.String({ maxLength: 8 })),
  },
  { additionalProperties: false },
);

export const NonceResponse = Type.Object({ nonce: Type.String(), expiresAt: Time });

export const PresentationBody = Type.Object(
  { presentation: Compact(MAX_PID_LENGTH) },
  {
    additionalProperties: false,
    description: 'A PID SD-JWT VC with every needed disclosure and a KB-JWT (aud = this service, nonce from POST /registry/v1/nonces).',
  },
);

const Session = Type.Object({ token: Type.String(), tokenType: Type.Literal('Bearer'), expiresAt: Time });

export const EnrolmentResponse = Type.Object({ personId: Id, holderKeyId: Id, session: Session });

export const RecoveryResponse = Type.Object({
  personId: Id,
  holderKeyId: Id,
  revokedKeys: Type.Array(Id),
  reopened: Type.Boolean(),
  session: Session,
});

export const SessionBody = Type.Object(
  { assertion: Compact(8192) },
  {
    additionalProperties: false,
    description: 'A JWT of typ mvid-session+jwt signed by an active holder key (kid = its JWK thumbprint), with aud, nonce and iat.',
  },
);

export const SessionResponse = Type.Object({ personId: Id, token: Type.String(), tokenType: Type.Literal('Bearer'), expiresAt: Time });

export const HolderKey = Type.Object({
  kid: Id,
  jwk: Jwk,
  createdAt: Time,
  revokedAt: NullableTime,
  revokedReason: Type.Union([Type.String(), Type.Null()]),
});

export const PersonEvent = Type.Object({ id: Type.Integer(), type: Type.String(), at: Time, detail: Free });

export const PersonSummary = Type.Object({
  id: Id,
  status: Type.Union([Type.Literal('active'), Type.Literal('closed')]),
  createdAt: Time,
  closedAt: NullableTime,
  purgeAfter: NullableTime,
});

const LogSubject = Type.String({ description: "The person's salted commitment in the transparency log (`subject` of their entries)." });

export const PersonView = Type.Object({
  person: PersonSummary,
  logSubject: LogSubject,
  holderKeys: Type.Array(HolderKey),
  events: Type.Array(PersonEvent),
});

export const KeysResponse = Type.Object({ keys: Type.Array(HolderKey) });

export const KeyProofBody = Type.Object(
  { proof: Compact(8192) },
  {
    additionalProperties: false,
    description: 'A JWT of typ mvid-key+jwt with the new public key as `jwk` in its header, signed by it, with aud, nonce and iat.',
  },
);

export const KidParams = Type.Object(
  { kid: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);

export const CloseResponse = Type.Object({ status: Type.Literal('closed'), closedAt: Time, purgeAfter: Time });

const ExportedEnvelope = Type.Object({
  id: Id,
  fieldGroup: Type.String(),
  trusteeSetId: Id,
  createdAt: Time,
  supersededAt: NullableTime,
  purgeAfter: NullableTime,
  envelope: Free,
});

const ExportedSession = Type.Object({
  id: Id,
  method: Type.String(),
  holderKeyId: Type.Union([Id, Type.Null()]),
  createdAt: Time,
  expiresAt: Time,
  revokedAt: NullableTime,
});

export const ExportResponse = Type.Object({
  format: Type.Literal('mvid-person-export'),
  version: Type.Literal(1),
  exportedAt: Time,
  person: PersonSummary,
  logSubject: LogSubject,
  attributes: Free,
  uniquenessTag: Type.Union([Type.String(), Type.Null()]),
  holderKeys: Type.Array(HolderKey),
  sessions: Type.Array(ExportedSession),
  envelopes: Type.Array(ExportedEnvelope, { description: `One per field group (${FIELD_GROUPS.join(', ')}) and recovery.` }),
  events: Type.Array(PersonEvent),
  worlds: Type.Object(
    {
      worlds: Type.Array(Free),
      handles: Type.Array(Free),
      grants: Type.Array(Free),
      passkeys: Type.Array(Free),
      browserSessions: Type.Array(Free),
    },
    { description: 'Each world with the pseudonym it knows you by, consent, releases; handles, passkeys, grants, browser sessions.' },
  ),
  credentials: Type.Array(Free, { description: 'The ledger of credentials issued to you (mvid keeps their hash, not the credential).' }),
  disclosures: Type.Array(Free, { description: 'Disclosures of your identity whose notification delay has ended.' }),
});

const Trustee = Type.Object({ index: Type.Integer(), id: Type.String(), verificationKey: Type.String() });

export const TrusteeSetResponse = Type.Object({
  version: Type.Literal(1),
  id: Id,
  threshold: Type.Integer(),
  escrowPublicKey: Type.String(),
  commitments: Type.Array(Type.String()),
  trustees: Type.Array(Trustee),
  status: Type.Union([Type.Literal('active'), Type.Literal('retired')]),
  createdAt: Time,
  retiredAt: NullableTime,
});

export const TrusteeSetsResponse = Type.Object({ trusteeSets: Type.Array(TrusteeSetResponse) });

const Namespace = Type.String({ pattern: '^(\\*|[A-Za-z0-9][A-Za-z0-9:._-]{0,63})$' });

export const NewIssuerBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' }),
    iss: Type.String({ minLength: 1, maxLength: 512 }),
    jwks: Type.Object({ keys: Type.Array(Jwk, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false }),
    claims: Type.Optional(
      Type.Array(Type.Union(PID_CLAIMS.map((c) => Type.Literal(c))), { minItems: 1, maxItems: PID_CLAIMS.length, uniqueItems: true }),
    ),
    namespaces: Type.Array(Namespace, { minItems: 1, maxItems: 50, uniqueItems: true }),
    vcts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 10, uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const Issuer = Type.Object({
  id: Id,
  name: Type.String(),
  iss: Type.String(),
  jwks: Type.Object({ keys: Type.Array(Jwk) }),
  claims: Type.Array(Type.String()),
  namespaces: Type.Array(Type.String()),
  vcts: Type.Array(Type.String()),
  dev: Type.Boolean(),
  createdAt: Time,
  disabledAt: NullableTime,
});

export const IssuersResponse = Type.Object({ issuers: Type.Array(Issuer) });

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
