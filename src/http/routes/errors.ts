/**
 * `GET /errors/<code>`: where a problem document's `type` URI leads. Titles and statuses
 * come from the code table (src/core/errors.ts); the sentence describing each code from
 * docs/errors.md, which test/errors-doc.test.ts keeps in step with the table.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES, type ErrorCode, MvidError } from '../../core/index.ts';
import { type ErrorCodePage, newNonce, renderErrorCode, renderErrorIndex } from '../../web/index.ts';
import { sendPage } from '../pages.ts';
import { pageTranslator } from '../i18n.ts';

const CACHE = 'public, max-age=3600';

/** `| `code` | status | meaning |` rows of docs/errors.md; none when the docs are not shipped. */
function meanings(): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  } catch {
    return new Map();
  }
  return new Map([...text.matchAll(/^\| `([a-z0-9_]+)` \| \d{3} \| (.+) \|$/gm)].map((m) => [m[1] as string, (m[2] as string).trim()]));
}

export async function errorRoutes(app: FastifyInstance): Promise<void> {
  const described = meanings();
  const pages = new Map<string, ErrorCodePage>(
    (Object.entries(ERROR_CODES) as Array<[ErrorCode, { status: number; title: string }]>).map(([code, { status, title }]) => [
      code,
      { code, status, title, meaning: described.get(code) },
    ]),
  );

  app.get('/errors', { schema: { hide: true } }, async (request, reply) => {
    const nonce = newNonce();
    return sendPage(reply, renderErrorIndex({ t: pageTranslator(request, reply), nonce, codes: [...pages.values()] }), nonce, {
      cache: CACHE,
    });
  });

  app.get<{ Params: { code: string } }>(
    '/errors/:code',
    { schema: { hide: true, params: { type: 'object', properties: { code: { type: 'string', maxLength: 64 } }, required: ['code'] } } },
    async (request, reply) => {
      const found = pages.get(request.params.code);
      if (!found) throw new MvidError('not_found', 'no such error code');
      const nonce = newNonce();
      return sendPage(reply, renderErrorCode({ ...found, t: pageTranslator(request, reply), nonce }), nonce, { cache: CACHE });
    },
  );
}
