/**
 * Resharing tests' common steps: the administrator's `POST /admin/v1/reshare`, a
 * participant's relay calls with its ceremony token, and opening an envelope with
 * partial decryptions of given shares against a key that may hold the envelope's key by
 * resharing.
 */
import assert from 'node:assert/strict';
import {
  type DkgAnnounce,
  type Envelope,
  type TrusteeSet,
  type TrusteeShare,
  dealerSlot,
  dkgAnnounce,
  newDkgIdentity,
  parseTrusteeSet,
  partialDecrypt,
  reshareDealMessages,
  reshareSigningParameters,
  sealShare,
  signShares,
  thresholdOpen,
  validAnnouncements,
} from '../../src/crypto/index.ts';
import { ApiClient, type FiledRequest, TrusteeClient } from '../../src/disclosure/index.ts';
import { type DkgCall, type DkgMe, type DkgMessageView, dkgPaths } from '../../src/registry/index.ts';
import { type Story, URL_BASE } from './disclosure.ts';

export interface OpenedReshare {
  ceremony: { id: string; batch: string[] };
  tokens: Array<{ trusteeIndex: number; trusteeId: string; role: 'dealer' | 'member'; token: string }>;
}

/** A participant's calls to the ceremony relay, with its token. */
export function callOf(story: Story, token: string): DkgCall {
  const api = new ApiClient(URL_BASE, token, story.fetch);
  return (method, path, body) => api.json(method, path, body);
}

/** `POST /admin/v1/reshare` as the administrator. */
export function postReshare(story: Story, body: Record<string, unknown>) {
  return story.rt.app.inject({
    method: 'POST',
    url: '/admin/v1/reshare',
    headers: { authorization: `Bearer ${story.adminToken}` },
    payload: body,
  });
}

/** Opens a reshare that must be accepted. */
export async function openReshare(story: Story, body: Record<string, unknown>): Promise<OpenedReshare> {
  const res = await postReshare(story, body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as OpenedReshare;
}

/**
 * Opens `envelope` with partials of `shares`, checked against `key`; the envelope's header
 * keeps the key it was sealed to (its associated data), which `key` may hold by resharing.
 */
export function openWith(key: TrusteeSet, envelope: Envelope, shares: readonly TrusteeShare[]): string {
  const partials = shares.map((share) => partialDecrypt({ share, c1: envelope.c1, requestId: 'req-x', envelopeId: envelope.envelopeId }));
  const holds = [envelope.escrowKeyId ?? envelope.trusteeSetId];
  return new TextDecoder().decode(thresholdOpen(envelope, partials, { trusteeSet: key, requestId: 'req-x', holds }).plaintext);
}

/** The new set's trustees get disclosure tokens (default: the active set) and enrol a client each. */
export async function enrolTrusteeClients(story: Story, names: readonly string[]): Promise<Map<string, TrusteeClient>> {
  const clients = new Map<string, TrusteeClient>();
  for (const name of names) {
    const res = await story.rt.app.inject({
      method: 'POST',
      url: '/admin/v1/disclosure/trustee-credentials',
      headers: { authorization: `Bearer ${story.adminToken}` },
      payload: { trustee: name },
    });
    assert.equal(res.statusCode, 201, res.body);
    const token = (res.json() as { token: string }).token;
    const state = await TrusteeClient.enrol({ url: URL_BASE, token, fetch: story.fetch, clock: story.clock });
    clients.set(name, new TrusteeClient(state, { fetch: story.fetch, clock: story.clock, save: async () => {} }));
  }
  return clients;
}

/** The authority files `request` (pinning the log key) and the request is addressed to trustee set `setId`. */
export async function fileAddressedTo(story: Story, request: FiledRequest, setId: string): Promise<string> {
  const log = (await story.rt.app.inject({ url: '/disclosure/v1/log' })).json() as { origin: string; verifierKey: string };
  const { requestId } = await story.authority.client.file(request, { origin: log.origin, vkey: log.verifierKey });
  const row = await story.rt.store.db
    .selectFrom('disclosure_requests')
    .select('trustee_set_id')
    .where('id', '=', requestId)
    .executeTakeFirst();
  assert.equal(row?.trustee_set_id, setId);
  return requestId;
}

/** An old trustee who re-deals honestly in public but seals `victim` (a new index) a sub-share off its polynomial, then stops. */
export async function cheatingDealer(story: Story, ceremonyId: string, token: string, share: TrusteeShare, victim: number): Promise<void> {
  const call = callOf(story, token);
  const me = await call<DkgMe>('GET', `${dkgPaths.ceremony(ceremonyId)}/me`);
  const params = {
    ceremonyId,
    from: parseTrusteeSet(me.from),
    threshold: me.ceremony.threshold,
    trustees: me.ceremony.trustees,
    dealers: me.ceremony.dealers as number[],
  };
  const signing = reshareSigningParameters(params);
  const id = newDkgIdentity();
  await call('POST', dkgPaths.messages(ceremonyId, 'announce'), dkgAnnounce(signing, me.trusteeIndex, id));
  const everyone = params.trustees.length + params.dealers.length;
  let announced = new Map<number, DkgAnnounce>();
  while (announced.size < everyone) {
    const { messages } = await call<{ messages: DkgMessageView[] }>('GET', dkgPaths.messages(ceremonyId, 'announce'));
    announced = validAnnouncements(signing, new Map(messages.map((m) => [m.trusteeIndex, m.body as DkgAnnounce])));
    await new Promise((r) => setTimeout(r, 20));
  }
  const { commit, shares } = reshareDealMessages(params, share, id, announced);
  const slot = dealerSlot(share.index);
  const sealed = { ...shares.sealed, [String(victim)]: sealShare(signing, slot, victim, id, announced.get(victim)?.encKey as string, 7n) };
  await call('POST', dkgPaths.messages(ceremonyId, 'commit'), commit);
  await call('POST', dkgPaths.messages(ceremonyId, 'shares'), signShares(signing, slot, id, sealed));
}
