import type { FastifyReply, FastifyRequest } from 'fastify';
import { newNonce, pageCsp, type ProblemPageInput, renderProblemPage } from '../web/index.ts';
import { pageTranslator } from './i18n.ts';

export interface SendPageOptions {
  /** Cache-Control; pages that show a person's data must stay `no-store`. */
  cache?: string;
  /** Extra origins a form may end up at (see pageCsp). */
  formTargets?: readonly string[];
}

/** Sends a server-rendered page with its nonce-based CSP. The one way routes answer with HTML. */
export function sendPage(reply: FastifyReply, body: string, nonce: string, options: SendPageOptions = {}): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', pageCsp(nonce, options.formTargets ?? []))
    .header('cache-control', options.cache ?? 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

/**
 * Whether the client is a browser navigating (it asks for HTML and not for JSON): it
 * gets a human error page, API clients their problem+json.
 */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /\btext\/html\b/.test(accept) && !/\bjson\b/.test(accept);
}

/** The human page of a problem, with the problem's status. */
export function sendProblemPage(
  request: FastifyRequest,
  reply: FastifyReply,
  problem: Omit<ProblemPageInput, 'nonce' | 't'>,
): FastifyReply {
  const nonce = newNonce();
  return sendPage(reply.code(problem.status), renderProblemPage({ t: pageTranslator(request, reply), nonce, ...problem }), nonce);
}
