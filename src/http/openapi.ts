/**
 * Keeps the OpenAPI document truthful about what every operation can answer:
 *  - every operation declares its error responses (4XX, 5XX) as RFC 9457 problem
 *    documents, the only shape errors of mvid take (see problem.ts and edge.ts);
 *  - helpers for routes whose success body is open-ended JSON or not JSON at all, so
 *    each success response names its content type.
 */
import { Type } from '@sinclair/typebox';
import type { FastifySchema } from 'fastify';
import { ERROR_CODES } from '../core/index.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';

/** The problem document (RFC 9457) with mvid's `code` and `requestId` members. */
export const ProblemSchema = {
  type: 'object',
  description: 'RFC 9457 problem document. `type` resolves to a page describing `code` (see docs/errors.md).',
  required: ['type', 'title', 'status', 'detail', 'code', 'requestId'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    requestId: { type: 'string' },
    field: { type: 'string', description: 'The body, query, header or parameter at fault (validation_failed).' },
    retryAfter: { type: 'integer', description: 'Seconds to wait (rate_limited); also in the Retry-After header.' },
  },
  additionalProperties: true,
} as const;

const problemResponse = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } });

export const ERROR_RESPONSES = {
  '4XX': problemResponse('The request was refused: a problem document whose `code` says why (docs/errors.md).'),
  '5XX': problemResponse('mvid or a dependency failed: a problem document carrying the request id.'),
} as const;

/** @fastify/swagger `transform`: adds the error responses to every documented operation (the document only). */
export function documentErrors({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  const route = schema as (FastifySchema & { hide?: boolean }) | undefined;
  if (!route || route.hide) return { schema, url };
  return { schema: { ...route, response: { ...ERROR_RESPONSES, ...(route.response as Record<string, unknown> | undefined) } }, url };
}

/** A JSON success body whose members are described in prose (serialised as is). */
export const OpenJson = (description: string) => Type.Object({}, { additionalProperties: true, description });

/**
 * A JSON success body the route sends as bytes it serialised itself (metadata whose hash is
 * published), under its own JSON media type (`application/json`, `application/schema+json`).
 */
export const JsonDocument = (contentType: string, description: string) => ({
  description,
  content: { [contentType]: { schema: { type: 'object', additionalProperties: true, description } } },
});

/** A success body of one of several media types (bytes a person uploaded, served as they are). */
export const Bytes = (contentTypes: readonly string[], description: string) => ({
  description,
  content: Object.fromEntries(contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary', description } }])),
});

/** A response without a body (204, 304). */
export const NoContent = (description: string) => ({ type: 'null', description }) as const;

/** A success body that is not JSON (a signed note, a JWT, tile bytes): its content type, a string schema. */
export const NonJson = (contentType: string, description: string) => ({
  description,
  content: { [contentType]: { schema: { type: 'string', description } } },
});
