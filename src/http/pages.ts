import type { FastifyReply } from 'fastify';
import { pageCsp } from '../web/index.ts';

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
