/**
 * A verifier's OpenID4VP request as the person pastes it into the portal, read only to
 * tell the person who asks for which of their mvid credentials before their wallet
 * answers. mvid never answers it (the wallet holds the credentials) and never fetches a
 * request by reference; the link is kept only if it is an `openid4vp://` link.
 */
import { ValidationError } from '../core/index.ts';
import { type CredentialKind, kindOfVct } from './types.ts';

export interface VerifierRequest {
  /** The verifier's client id, as the request gives it. */
  clientId: string;
  /** The mvid credential kinds its DCQL query asks for. */
  kinds: CredentialKind[];
  /** Credential types it asks for that mvid does not issue (their vct, or the format). */
  others: string[];
  /** The request is fetched by the wallet (request_uri): what it asks is not in the link. */
  byReference: boolean;
  /** The link itself, for the wallet. */
  link: string;
}

const MAX_LINK = 8192;

/**
 * @example parseVerifierRequest('openid4vp://?client_id=…&dcql_query=…', 'https://mvid.example')
 * @throws ValidationError when the link is not an OpenID4VP request
 */
export function parseVerifierRequest(link: string, publicUrl: string): VerifierRequest {
  const text = link.trim();
  const refuse = (why: string) => new ValidationError(`this is not a verifier's OpenID4VP request: ${why}`, 'request');
  if (text.length > MAX_LINK) throw refuse('it is too long');
  if (!text.startsWith('openid4vp://')) throw refuse('it does not start with openid4vp://');
  let params: URLSearchParams;
  try {
    params = new URL(text).searchParams;
  } catch {
    throw refuse('it is not a valid link');
  }
  const clientId = params.get('client_id');
  if (!clientId) throw refuse('it names no verifier (client_id)');
  const dcql = params.get('dcql_query');
  const requestUri = params.get('request_uri');
  if (dcql === null) {
    if (requestUri === null) throw refuse('it carries neither a dcql_query nor a request_uri');
    return { clientId, kinds: [], others: [], byReference: true, link: text };
  }
  let query: unknown;
  try {
    query = JSON.parse(dcql);
  } catch {
    throw refuse('its dcql_query is not JSON');
  }
  const credentials = (query as { credentials?: unknown }).credentials;
  if (!Array.isArray(credentials) || credentials.length === 0 || credentials.length > 20)
    throw refuse('its dcql_query asks for no credential');
  const kinds = new Set<CredentialKind>();
  const others: string[] = [];
  for (const c of credentials as Array<{ format?: unknown; meta?: { vct_values?: unknown } }>) {
    const vcts = Array.isArray(c?.meta?.vct_values) ? c.meta.vct_values.filter((v): v is string => typeof v === 'string') : [];
    const ours = vcts.map((v) => kindOfVct(publicUrl, v)).filter((k): k is CredentialKind => k !== undefined);
    if (ours.length > 0) for (const k of ours) kinds.add(k);
    else others.push(vcts[0]?.slice(0, 200) ?? String(c?.format ?? 'unknown').slice(0, 50));
  }
  return { clientId, kinds: [...kinds], others, byReference: false, link: text };
}
