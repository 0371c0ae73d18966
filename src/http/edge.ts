/**
 * What every response carries and how the errors Fastify and Node produce themselves
 * (before any route or hook runs) become problem documents like all the others:
 *  - security headers on every response, including oidc-provider's (which bypass
 *    Fastify's reply) and the raw ones written on a socket;
 *  - Fastify's "framework errors" (bad percent-encoding in the path, an over-long path
 *    parameter), which never reach the error handler;
 *  - Node's client errors (malformed HTTP, headers too large, header/body timeouts),
 *    answered on the raw socket.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode, MvidError } from '../core/index.ts';
import { PROBLEM_CONTENT_TYPE, problemTypeUri, sendProblem } from './problem.ts';

/** Two years, the preload list's minimum; sent only when mvid is served over https. */
const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Headers on every response of mvid. `X-Frame-Options: DENY` beside every page's CSP
 * `frame-ancestors 'none'`: no page of mvid (oidc-provider's own included, whatever it
 * renders) can be framed for clickjacking, in browsers that know only the older header too.
 */
export function securityHeaders(publicUrl: string): Record<string, string> {
  const headers: Record<string, string> = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' };
  if (publicUrl.startsWith('https://')) headers['strict-transport-security'] = HSTS;
  return headers;
}

/**
 * Sets the security headers on the raw response, where both Fastify's replies and
 * oidc-provider's (a hijacked reply) pick them up. A request that presented a credential
 * (bearer token, Basic, cookie) gets `no-store` unless its route says otherwise: whatever
 * answers it is personal.
 */
export function applyEdgeHeaders(request: FastifyRequest, res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (request.headers.authorization !== undefined || request.headers.cookie !== undefined) res.setHeader('cache-control', 'no-store');
}

const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_BAD_URL: 'bad_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/** Fastify's `frameworkErrors`: the request never reached routing, so hooks did not run either. */
export function frameworkErrorHandler(publicUrl: string) {
  const headers = securityHeaders(publicUrl);
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const code = FRAMEWORK_CODES[error.code] ?? 'bad_request';
    reply.headers({ ...headers, 'x-request-id': String(request.id) });
    applyEdgeHeaders(request, reply.raw, {});
    const detail = code === 'uri_too_long' ? 'a path parameter is too long' : 'the URL is not valid percent-encoding';
    sendProblem(request, reply, publicUrl, { code, status: ERROR_CODES[code].status, detail, extensions: {} });
  };
}

function clientErrorCode(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT') return 'request_timeout';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'header_too_large';
  return 'bad_request';
}

/** Node's `clientError`: malformed HTTP, oversized headers, slow headers or body; answered on the socket, then closed. */
export function clientErrorHandler(publicUrl: string) {
  const headers = securityHeaders(publicUrl);
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const code = clientErrorCode(error);
      const { status, title } = ERROR_CODES[code];
      const requestId = randomUUID();
      const body = JSON.stringify({
        type: problemTypeUri(publicUrl, code),
        title,
        status,
        detail: code === 'bad_request' ? 'the request is not valid HTTP/1.1' : title,
        code,
        requestId,
      });
      const lines = [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        `content-type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
        `content-length: ${Buffer.byteLength(body)}`,
        `x-request-id: ${requestId}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        'connection: close',
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy(error);
  };
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * preValidation: a query or path value written as a number too large for a double (`1e400`,
 * 400 nines) would be coerced by Ajv to Infinity, which then skips `maximum` (Ajv checks
 * bounds only on finite numbers). Such a value is refused here, before validation. A
 * callback hook, not an async one: it runs on every request and never waits.
 */
export function refuseOverflowingNumbers(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  try {
    checkNumbers(request);
  } catch (error) {
    done(error as Error);
    return;
  }
  done();
}

function checkNumbers(request: FastifyRequest): void {
  for (const [part, values] of [
    ['querystring', request.query],
    ['params', request.params],
  ] as const) {
    if (typeof values !== 'object' || values === null) continue;
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string' && NUMERIC.test(v) && !Number.isFinite(Number(v))) {
          throw new MvidError('validation_failed', `${part}/${name} is out of range`, { extensions: { field: `${part}.${name}` } });
        }
      }
    }
  }
}
