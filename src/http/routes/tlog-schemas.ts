/** TypeBox schemas of the transparency log's JSON API (/log/v1/...). Hashes and entries are unpadded base64url. */
import { Type } from '@sinclair/typebox';

/** Tree sizes and indices are uint64 in the formats; JSON numbers keep them exact below 2^53. */
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Hash = Type.String({ pattern: '^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$', description: 'a 32-byte hash, unpadded base64url' });

export const InclusionQuery = Type.Object({
  index: Type.Optional(Count),
  leaf_hash: Type.Optional(Hash),
  size: Type.Optional(Count),
});

export const ConsistencyQuery = Type.Object({
  first: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  second: Type.Optional(Count),
});

export const EntriesQuery = Type.Object({
  start: Count,
  end: Type.Optional(Count),
});

export const InclusionResponse = Type.Object({
  index: Count,
  size: Count,
  leafHash: Hash,
  proof: Type.Array(Hash, { description: 'RFC 9162 inclusion proof, bottom-up' }),
});

export const ConsistencyResponse = Type.Object({
  first: Count,
  second: Count,
  proof: Type.Array(Hash, { description: 'RFC 9162 consistency proof' }),
});

export const EntriesResponse = Type.Object({
  start: Count,
  end: Count,
  size: Count,
  entries: Type.Array(Type.Object({ index: Count, leafHash: Hash, entry: Type.String({ description: 'the entry bytes, base64url' }) })),
  next: Type.Optional(Count),
});

export const CheckpointResponse = Type.Object({
  origin: Type.String(),
  size: Count,
  root: Hash,
  signedAt: Type.String({ format: 'date-time' }),
  cosignatures: Type.Integer({ minimum: 0 }),
  note: Type.String({ description: 'the signed checkpoint note, as served at /log/checkpoint' }),
});
