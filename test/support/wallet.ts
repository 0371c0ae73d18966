/**
 * The person's identity wallet, as the enrolment and recovery tests need it: it reads an
 * OpenID4VP request link (same device, or scanned on another device), presents a
 * development PID over the request's nonce to mvid as audience, and posts it to the
 * request's response_uri (direct_post), exactly as a wallet app would.
 */
import assert from 'node:assert/strict';
import { keyDirOf } from '../../src/keys/index.ts';
import { devPresentation, loadDevIssuerKey, type PidClaims } from '../../src/registry/index.ts';
import type { Runtime } from '../../src/server/index.ts';
import { personClaims } from './registry.ts';

/** The wallet's answer to the request in `link` (a PID for `claims`; `nonce` overrides the request's, for attacks). */
export async function walletAnswers(rt: Runtime & { url?: string }, link: string, claims: PidClaims = personClaims(), nonce?: string) {
  const params = new URL(link).searchParams;
  assert.equal(params.get('response_mode'), 'direct_post');
  assert.equal(params.get('client_id'), rt.config.publicUrl);
  const query = JSON.parse(params.get('dcql_query') ?? '{}');
  assert.equal(query.credentials[0].meta.vct_values[0], 'urn:eudi:pid:1');
  const key = loadDevIssuerKey(keyDirOf(rt.config.dataDir), 'development');
  const presentation = await devPresentation(key, claims, {
    nonce: nonce ?? (params.get('nonce') as string),
    audience: params.get('client_id') as string,
    now: rt.clock.now(),
  });
  return rt.app.inject({
    method: 'POST',
    url: new URL(params.get('response_uri') as string).pathname,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    payload: new URLSearchParams({ vp_token: JSON.stringify({ pid: [presentation] }), state: params.get('state') as string }).toString(),
  });
}
