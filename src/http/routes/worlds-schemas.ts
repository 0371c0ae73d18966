/** JSON Schemas (TypeBox) of the worlds API. */
import { Type } from '@sinclair/typebox';
import { WORLD_CLAIM_NAMES, WORLD_PSEUDONYM_KINDS } from '../../worlds/index.ts';

const Url = Type.String({ minLength: 8, maxLength: 2000 });
export const ClaimName = Type.Union(WORLD_CLAIM_NAMES.map((n) => Type.Literal(n)));
const Rule = Type.Object(
  { category: Type.String({ minLength: 1, maxLength: 64 }), text: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);
const RequestedClaim = Type.Object(
  { name: ClaimName, required: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);
/** Which pseudonym the world knows its users by; moderation names persons to it by this kind. */
export const PseudonymKind = Type.Union(
  WORLD_PSEUDONYM_KINDS.map((k) => Type.Literal(k)),
  {
    description:
      'Which pseudonym the world knows its users by, and moderation names them by: `oidc`, the pairwise `sub` of its ID tokens (the default), or `blind`, the pseudonym of its blind sign-in presentations (docs/blind-signin.md).',
  },
);
const Jwks = Type.Object(
  { keys: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 10 }) },
  { additionalProperties: false },
);

export const NewWorldBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    redirectUris: Type.Array(Url, { minItems: 1, maxItems: 20 }),
    postLogoutRedirectUris: Type.Optional(Type.Array(Url, { maxItems: 20 })),
    logoUri: Type.Optional(Url),
    policyUri: Type.Optional(Url),
    tosUri: Type.Optional(Url),
    rules: Type.Array(Rule, { maxItems: 100 }),
    purpose: Type.String({ minLength: 1, maxLength: 1000 }),
    claims: Type.Array(RequestedClaim, { maxItems: WORLD_CLAIM_NAMES.length }),
    authMethod: Type.Optional(
      Type.Union([Type.Literal('private_key_jwt'), Type.Literal('client_secret_basic'), Type.Literal('client_secret_post')]),
    ),
    jwks: Type.Optional(Jwks),
    pseudonyms: Type.Optional(PseudonymKind),
  },
  { additionalProperties: false },
);

export const WorldPseudonymsBody = Type.Object({ pseudonyms: PseudonymKind }, { additionalProperties: false });

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const World = Type.Object({
  id: Type.String(),
  name: Type.String(),
  redirectUris: Type.Array(Type.String()),
  postLogoutRedirectUris: Type.Array(Type.String()),
  logoUri: Nullable(Type.String()),
  policyUri: Nullable(Type.String()),
  tosUri: Nullable(Type.String()),
  rules: Type.Array(Rule),
  purpose: Type.String(),
  claims: Type.Array(Type.Object({ name: ClaimName, required: Type.Boolean() })),
  authMethod: Type.String(),
  jwks: Type.Union([Jwks, Type.Null()]),
  pseudonyms: PseudonymKind,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  disabledAt: Nullable(Type.String()),
});

export const RegisteredWorld = Type.Object({
  clientId: Type.String(),
  clientSecret: Type.Optional(Type.String({ description: 'Shown once; mvid keeps only its hash.' })),
  issuer: Type.String(),
  world: World,
});

export const WorldsList = Type.Object({ worlds: Type.Array(World) });
export const WorldIdParams = Type.Object({ worldId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const PersonWorld = Type.Object({
  world: Type.Object({
    id: Type.String(),
    name: Type.String(),
    purpose: Type.String(),
    logoUri: Nullable(Type.String()),
    policyUri: Nullable(Type.String()),
  }),
  consentActive: Type.Boolean(),
  consented: Type.Array(ClaimName),
  received: Type.Array(ClaimName),
  firstReleasedAt: Nullable(Type.String()),
  lastReleasedAt: Nullable(Type.String()),
  handle: Nullable(Type.String()),
  trustLevel: Type.String(),
});
export const PersonWorlds = Type.Object({ worlds: Type.Array(PersonWorld) });
export const RevokeQuery = Type.Object({ claim: Type.Optional(ClaimName) }, { additionalProperties: false });
export const HandleBody = Type.Object({ handle: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const HandleResponse = Type.Object({ worldId: Type.String(), handle: Type.String() });
export const Passkey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  transports: Type.Array(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
});
export const PasskeyList = Type.Object({ passkeys: Type.Array(Passkey) });
