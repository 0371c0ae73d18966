/**
 * The transparency log, public and cacheable: the C2SP tlog-tiles read API under
 * /log/ (checkpoint, hash tiles, entry bundles) and a small JSON API for clients that
 * want a proof without fetching tiles. Every answer is bounded by the latest signed
 * checkpoint, so a client can verify all of it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { fromBase64Url, MvidError, toBase64Url } from '../../core/index.ts';
import { MAX_ENTRIES_PAGE, parseCheckpoint, parseNote, parseTilePath, TILE_WIDTH } from '../../tlog/index.ts';
import {
  CheckpointResponse,
  ConsistencyQuery,
  ConsistencyResponse,
  EntriesQuery,
  EntriesResponse,
  InclusionQuery,
  InclusionResponse,
} from './tlog-schemas.ts';
import { NonJson } from '../openapi.ts';

const TAG = 'transparency-log';
/** Full tiles and bundles never change; partial ones are superseded as the tree grows. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const PARTIAL = 'public, max-age=60';
const MUTABLE = 'no-cache';

function binary(reply: FastifyReply, body: Uint8Array, width: number): FastifyReply {
  return reply
    .type('application/octet-stream')
    .header('cache-control', width === TILE_WIDTH ? IMMUTABLE : PARTIAL)
    .send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

function notFound(detail: string): MvidError {
  return new MvidError('not_found', detail);
}

export async function tlogRoutes(app: FastifyInstance): Promise<void> {
  const { log } = app.deps;

  async function latest() {
    const checkpoint = await log.checkpoint();
    if (checkpoint === null) throw new MvidError('service_unavailable', 'the log has not signed a checkpoint yet', { expose: true });
    return checkpoint;
  }

  app.get(
    '/log/checkpoint',
    {
      schema: {
        summary: 'The latest signed checkpoint (C2SP tlog-checkpoint), with the witness cosignatures collected',
        tags: [TAG],
        response: { 200: NonJson('text/plain; charset=utf-8', 'The checkpoint as a C2SP signed note') },
      },
    },
    async (_request, reply) => {
      const checkpoint = await latest();
      return reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', MUTABLE)
        .send(checkpoint.cosignedNote ?? checkpoint.note);
    },
  );

  app.get<{ Params: { '*': string } }>(
    '/log/tile/*',
    {
      schema: {
        summary: 'A tlog-tiles hash tile (tile/<L>/<N>[.p/<W>]) or entry bundle (tile/entries/<N>[.p/<W>])',
        description: 'Full tiles are immutable; partial ones exist for the sizes the log signed. 404 beyond the signed tree.',
        tags: [TAG],
        response: { 200: NonJson('application/octet-stream', 'Tile or entry-bundle bytes') },
      },
    },
    async (request, reply) => {
      const path = `tile/${request.params['*']}`;
      const parsed = parseTilePath(path);
      if (parsed === null) throw notFound(`${path} is not a tile path in canonical form`);
      const body = parsed.kind === 'entries' ? await log.entryBundle(parsed.index, parsed.width) : await log.tile(parsed);
      if (body === null) throw notFound(`${path} is beyond the signed tree`);
      return binary(reply, body, parsed.width);
    },
  );

  app.get(
    '/log/v1/key',
    {
      schema: {
        summary: "The log's note verifier key (vkey); its name is the checkpoint origin",
        tags: [TAG],
        response: { 200: NonJson('text/plain; charset=utf-8', 'The vkey, one line') },
      },
    },
    async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=3600').send(`${log.verifier.vkey}\n`),
  );

  app.get(
    '/log/v1/checkpoints/latest',
    { schema: { summary: 'The latest signed checkpoint, as JSON', tags: [TAG], response: { 200: CheckpointResponse } } },
    async (_request, reply) => {
      const checkpoint = await latest();
      const note = checkpoint.cosignedNote ?? checkpoint.note;
      reply.header('cache-control', MUTABLE);
      return {
        origin: parseCheckpoint(parseNote(note).text).origin,
        size: Number(checkpoint.size),
        root: toBase64Url(checkpoint.root),
        signedAt: checkpoint.signedAt,
        cosignatures: checkpoint.cosignatures,
        note,
      };
    },
  );

  app.get<{ Querystring: { index?: number; leaf_hash?: string; size?: number } }>(
    '/log/v1/proof/inclusion',
    {
      schema: {
        summary: 'RFC 9162 inclusion proof of a leaf, by index or by leaf hash',
        description:
          'Give exactly one of `index` and `leaf_hash` (SHA-256(0x00 || entry), base64url). `size` defaults to the latest checkpoint.',
        tags: [TAG],
        querystring: InclusionQuery,
        response: { 200: InclusionResponse },
      },
    },
    async (request) => {
      const { index, leaf_hash: leafHashText } = request.query;
      if ((index === undefined) === (leafHashText === undefined)) {
        throw new MvidError('validation_failed', 'give exactly one of index and leaf_hash', { extensions: { field: 'querystring' } });
      }
      const size = request.query.size === undefined ? (await latest()).size : BigInt(request.query.size);
      let at: bigint;
      let leafHash: Uint8Array;
      if (leafHashText !== undefined) {
        leafHash = fromBase64Url(leafHashText);
        const found = await log.findByLeafHash(leafHash);
        if (found === null) throw notFound('no entry with this leaf hash in the signed tree');
        at = found;
      } else {
        at = BigInt(index as number);
        if (at >= size) throw new MvidError('tlog_range_invalid', `leaf index ${at} is not below tree size ${size}`);
        leafHash = ((await log.entries(at, at + 1n))[0] as { leafHash: Uint8Array }).leafHash;
      }
      const proof = await log.inclusionProof(at, size);
      return { index: Number(at), size: Number(size), leafHash: toBase64Url(leafHash), proof: proof.map((h) => toBase64Url(h)) };
    },
  );

  app.get<{ Querystring: { first: number; second?: number } }>(
    '/log/v1/proof/consistency',
    {
      schema: {
        summary: 'RFC 9162 consistency proof from tree size `first` to `second` (default: the latest checkpoint)',
        tags: [TAG],
        querystring: ConsistencyQuery,
        response: { 200: ConsistencyResponse },
      },
    },
    async (request) => {
      const first = BigInt(request.query.first);
      const second = request.query.second === undefined ? (await latest()).size : BigInt(request.query.second);
      if (first > second) throw new MvidError('tlog_range_invalid', `first (${first}) exceeds second (${second})`);
      const proof = await log.consistencyProof(first, second);
      return { first: Number(first), second: Number(second), proof: proof.map((h) => toBase64Url(h)) };
    },
  );

  app.get<{ Querystring: { start: number; end?: number } }>(
    '/log/v1/entries',
    {
      schema: {
        summary: `Log entries [start, end), at most ${MAX_ENTRIES_PAGE} per page`,
        description: '`end` defaults to start + 1000 and is cut at the latest checkpoint; `next` is where the next page starts.',
        tags: [TAG],
        querystring: EntriesQuery,
        response: { 200: EntriesResponse },
      },
    },
    async (request) => {
      const start = BigInt(request.query.start);
      const requestedEnd = request.query.end === undefined ? start + BigInt(MAX_ENTRIES_PAGE) : BigInt(request.query.end);
      if (requestedEnd < start) throw new MvidError('tlog_range_invalid', `end (${requestedEnd}) is below start (${start})`);
      if (requestedEnd - start > BigInt(MAX_ENTRIES_PAGE))
        throw new MvidError('tlog_range_invalid', `at most ${MAX_ENTRIES_PAGE} entries per page`);
      const size = await log.size();
      if (start > size) throw new MvidError('tlog_range_invalid', `start (${start}) is beyond the latest checkpoint (${size})`);
      const end = requestedEnd < size ? requestedEnd : size;
      const leaves = await log.entries(start, end);
      return {
        start: Number(start),
        end: Number(end),
        size: Number(size),
        entries: leaves.map((l) => ({ index: Number(l.index), leafHash: toBase64Url(l.leafHash), entry: toBase64Url(l.entry) })),
        ...(end < size ? { next: Number(end) } : {}),
      };
    },
  );
}
