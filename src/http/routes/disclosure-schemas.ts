/** TypeBox schemas of the disclosure API: closed request bodies with limits; responses loose where views nest. */
import { Type } from '@sinclair/typebox';
import { DENIAL_REASONS, DISCLOSURE_FIELD_GROUPS } from '../../disclosure/index.ts';

const B64 = (min: number, max: number) => Type.String({ minLength: min, maxLength: max, pattern: '^[A-Za-z0-9_-]+$' });
const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const FieldGroup = Type.String({ minLength: 1, maxLength: 32, description: DISCLOSURE_FIELD_GROUPS.join(' | ') });

export const Sealed = Type.Object(
  { version: Type.Literal(1), epk: B64(43, 43), nonce: B64(16, 16), ciphertext: B64(22, 131072) },
  { additionalProperties: false },
);

export const CourtOrderBody = Type.Object(
  {
    court: Text(200),
    reference: Text(200),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    documentSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    fieldGroups: Type.Array(FieldGroup, { minItems: 1, maxItems: 8 }),
  },
  { additionalProperties: false },
);

export const NewRequestBody = Type.Object(
  {
    requestId: Type.Optional(Uuid),
    target: Type.Object({ worldId: Text(128), pseudonym: Text(128) }, { additionalProperties: false }),
    offence: Type.Object(
      {
        category: Type.String({ minLength: 1, maxLength: 64, description: 'A criminal offence category (see OFFENCE_CATEGORIES).' }),
        statute: Text(300),
      },
      { additionalProperties: false },
    ),
    courtOrder: CourtOrderBody,
    fieldGroups: Type.Array(FieldGroup, { minItems: 1, maxItems: 8 }),
    emergency: Type.Optional(Type.Boolean({ description: 'Threat to life: shorter validity, same quorum.' })),
    notificationDelayDays: Type.Integer({ minimum: 0, maximum: 3650 }),
    orderDocument: Type.Object(
      {
        nonce: B64(16, 16),
        ciphertext: B64(22, 8 * 1024 * 1024),
        keys: Type.Array(
          Type.Object({ trusteeIndex: Type.Integer({ minimum: 1, maximum: 255 }), sealed: Sealed }, { additionalProperties: false }),
          {
            minItems: 1,
            maxItems: 255,
          },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const AcceptedResponse = Type.Object({
  requestId: Uuid,
  status: Type.Literal('pending'),
  expiresAt: Type.String(),
  logIndex: Type.Optional(Type.Integer()),
  /** The pseudonym the request committed to (the authority may have named a handle). */
  target: Type.Object({ worldId: Type.String(), pseudonym: Type.String() }),
  entry: Type.String(),
  checkpoint: Type.String(),
  inclusionProof: Type.Array(Type.String()),
});

export const DecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('approve'), Type.Literal('deny')]),
    reason: Type.Optional(Type.Union(DENIAL_REASONS.map((r) => Type.Literal(r)))),
    statement: Type.Object({ text: Type.String({ maxLength: 4000 }), salt: B64(22, 86) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const DecisionResponse = Type.Object({
  subjectId: Type.String(),
  kind: Type.String(),
  decision: Type.String(),
  time: Type.String(),
  statement: Type.String(),
  statementOpening: Open('The statement commitment opening: the trustee checks it is what it sent.'),
  leafHash: Type.String(),
  logIndex: Type.Optional(Type.Integer()),
});

export const SharesBody = Type.Object({ sealed: Sealed }, { additionalProperties: false });
export const SharesResponse = Type.Object({ shares: Type.Integer(), released: Type.Boolean(), releaseIndices: Type.Array(Type.Integer()) });

export const ReceiptBody = Type.Object(
  {
    envelopes: Type.Array(
      Type.Object(
        {
          envelopeId: Uuid,
          usedTrustees: Type.Array(Type.Integer({ minimum: 1, maximum: 255 }), { maxItems: 255 }),
          badTrustees: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 255 }),
          salt: B64(22, 86),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 8 },
    ),
  },
  { additionalProperties: false },
);

export const ExtensionBody = Type.Object(
  { until: Type.String({ format: 'date-time' }), courtOrder: CourtOrderBody },
  { additionalProperties: false },
);

export const NewAuthorityBody = Type.Object(
  { name: Text(120), jurisdiction: Type.String({ minLength: 2, maxLength: 6 }), contact: Text(200), encryptionKey: B64(43, 43) },
  { additionalProperties: false },
);

export const Authority = Type.Object({
  id: Type.String(),
  name: Type.String(),
  jurisdiction: Type.String(),
  contact: Type.String(),
  encryptionKey: Type.String(),
  registeredAt: Type.String(),
  disabledAt: Type.Union([Type.String(), Type.Null()]),
});

export const TrusteeCredentialBody = Type.Object(
  {
    trustee: Text(64),
    trusteeSet: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The set (default: the active one).' })),
  },
  { additionalProperties: false },
);
export const EncryptionKeyBody = Type.Object({ publicKey: B64(43, 43) }, { additionalProperties: false });
export const TrusteeMe = Type.Object({
  trusteeSetId: Type.String(),
  trusteeId: Type.String(),
  trusteeIndex: Type.Integer(),
  verificationKey: Type.String(),
  encryptionKey: Type.Union([Type.String(), Type.Null()]),
});

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const ExtensionParams = Type.Object({ id: Uuid, extensionId: Uuid }, { additionalProperties: false });
export const AuthorityParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 120 }) }, { additionalProperties: false });

const Size = Type.String({ pattern: '^[0-9]{1,16}$' });
export const InclusionQuery = Type.Object({ index: Size, size: Size }, { additionalProperties: false });
export const ConsistencyQuery = Type.Object({ from: Size, to: Size }, { additionalProperties: false });
export const EntriesQuery = Type.Object({ start: Size, end: Size }, { additionalProperties: false });
export const ProofResponse = Type.Object({ proof: Type.Array(Type.String()) });

export const OpenView = Open;
