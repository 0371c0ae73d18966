/**
 * RFC 9457 problem documents. Every error response of mvid is one of these (a browser
 * navigating gets the same problem as a human page); an unexpected error becomes a
 * generic 500 carrying only the request id.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode, isMvidError } from '../core/index.ts';
import { sendProblemPage, wantsHtml } from './pages.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemTypeUri(publicUrl: string, code: ErrorCode): string {
  return `${publicUrl}/errors/${code}`;
}

interface ClassifiedError {
  code: ErrorCode;
  status: number;
  detail: string;
  extensions: Record<string, unknown>;
  unexpected: boolean;
}

function fieldOfValidation(error: FastifyError): string | undefined {
  const first = error.validation?.[0];
  if (!first) return undefined;
  const context = error.validationContext ?? 'body';
  const params = first.params as Record<string, unknown>;
  const base = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const leaf =
    (typeof params.missingProperty === 'string' && params.missingProperty) ||
    (typeof params.additionalProperty === 'string' && params.additionalProperty) ||
    '';
  return [context, base, leaf].filter(Boolean).join('.');
}

const FASTIFY_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

export function classifyError(error: unknown): ClassifiedError {
  if (isMvidError(error)) {
    return {
      code: error.code,
      status: error.status,
      detail: error.expose ? error.message : ERROR_CODES[error.code].title,
      extensions: error.expose ? { ...error.extensions } : {},
      unexpected: error.status >= 500,
    };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) {
    const field = fieldOfValidation(fastifyError);
    return {
      code: 'validation_failed',
      status: 400,
      detail: fastifyError.message,
      extensions: field ? { field } : {},
      unexpected: false,
    };
  }
  const status = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  const code = FASTIFY_STATUS_CODES[status];
  if (code && status < 500) {
    return { code, status, detail: fastifyError.message, extensions: {}, unexpected: false };
  }
  return {
    code: 'internal_error',
    status: 500,
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
    extensions: {},
    unexpected: true,
  };
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  publicUrl: string,
  classified: Omit<ClassifiedError, 'unexpected'>,
): FastifyReply {
  const problem: Problem = {
    type: problemTypeUri(publicUrl, classified.code),
    title: ERROR_CODES[classified.code].title,
    status: classified.status,
    detail: classified.detail,
    code: classified.code,
    requestId: String(request.id),
    ...classified.extensions,
  };
  if (wantsHtml(request)) {
    const { status, title, detail, code, requestId } = problem;
    return sendProblemPage(request, reply, { status, title, detail, code, requestId });
  }
  return reply.code(classified.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}
