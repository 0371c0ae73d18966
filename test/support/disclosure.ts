/**
 * The lawful-disclosure story, set up over HTTP on a fresh runtime: a 3-of-5 trustee
 * set whose share files stay in memory, Tom enrolled with a dev PID and holding a
 * handle in a world, an authority registered through the admin API with its own key,
 * and every trustee enrolled through its client (fetch goes through `app.inject`).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { fromBase64Url, type ManualClock, MvidError, type Random, systemRandom } from '../../src/core/index.ts';
import { decryptShareFile, generateRecipientKeyPair, type ShareFile, type TrusteeSet, type TrusteeShare } from '../../src/crypto/index.ts';
import {
  AuthorityClient,
  type DisclosureOptions,
  type FetchLike,
  type FiledRequest,
  type LogPin,
  TrusteeClient,
  type TrusteeClientState,
} from '../../src/disclosure/index.ts';
import { generateHolderKey, issueDevPid, loadDevIssuerKey, presentPid } from '../../src/registry/index.ts';
import type { Config } from '../../src/config/index.ts';
import type { Engine } from '../../src/store/index.ts';
import { keyDirOf } from '../../src/keys/index.ts';
import { AUDIENCE, FAST_SCRYPT, type Holder, passphraseOf, personClaims, TRUSTEES } from './registry.ts';
import { holderAssertion } from './registry-http.ts';
import { dealTestEpochs } from './epochs.ts';
import { startTestRuntime, type TestRuntime } from './runtime.ts';

/** A `fetch` that goes through the app in-process, as the CLI's would over the network. */
export function injectFetch(app: FastifyInstance): FetchLike {
  return async (url, init) => {
    const u = new URL(url);
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${u.pathname}${u.search}`,
      headers: init?.headers ?? {},
      ...(init?.body === undefined ? {} : { payload: init.body }),
    });
    return {
      status: res.statusCode,
      headers: { get: (name: string) => (res.headers[name.toLowerCase()] as string | undefined) ?? null },
      text: async () => res.body,
    };
  };
}

export interface StoryTrustee {
  name: string;
  token: string;
  /** The trustee's share of the set, then its shares of the retention-epoch keys (what the client opens with). */
  share: TrusteeShare[];
  state: TrusteeClientState;
  client: TrusteeClient;
}

export interface Story {
  rt: TestRuntime;
  clock: ManualClock;
  fetch: FetchLike;
  adminToken: string;
  shareFiles: Map<string, ShareFile>;
  worldId: string;
  tom: {
    personId: string;
    sessionToken: string;
    handle: string;
    pseudonym: string;
    givenName: string;
    familyName: string;
    holder: Holder;
    holderKeyId: string;
  };
  authority: { id: string; token: string; secretKey: Uint8Array; publicKey: string; client: AuthorityClient };
  trustees: Map<string, StoryTrustee>;
  /** The court-order document as the authority holds it. */
  document: Uint8Array;
  stop(): Promise<void>;
}

export const URL_BASE = 'http://mvid.test';

export async function registerAuthority(story: Pick<Story, 'rt' | 'adminToken' | 'fetch'>, name: string, jurisdiction = 'DE') {
  const pair = generateRecipientKeyPair();
  const res = await story.rt.app.inject({
    method: 'POST',
    url: '/admin/v1/authorities',
    headers: { authorization: `Bearer ${story.adminToken}` },
    payload: { name, jurisdiction, contact: `${name.toLowerCase().replace(/\W+/g, '.')}@police.example`, encryptionKey: pair.publicKey },
  });
  if (res.statusCode !== 201) throw new Error(`authority registration failed: ${res.body}`);
  const body = res.json() as { authority: { id: string }; token: string };
  return {
    id: body.authority.id,
    token: body.token,
    secretKey: pair.secretKey,
    publicKey: pair.publicKey,
    client: new AuthorityClient({ url: URL_BASE, token: body.token, fetch: story.fetch }),
  };
}

/** Enrols a person with a development PID carrying `claims`. */
export async function enrolPerson(rt: TestRuntime, claims: ReturnType<typeof personClaims>) {
  const holder = generateHolderKey();
  const devKey = loadDevIssuerKey(keyDirOf(rt.config.dataDir), 'development');
  const credential = await issueDevPid(devKey, claims, holder.publicJwk, { now: rt.clock.now() });
  const presentation = await presentPid(credential, holder.privateJwk, {
    nonce: rt.registry.issueNonce().nonce,
    audience: AUDIENCE,
    now: rt.clock.now(),
  });
  return { holder, enrolled: await rt.registry.enrolments.enrol(presentation) };
}

/**
 * Enrols as the registry did before retention epochs: the envelopes are sealed to the
 * active set's own key (no `escrowKeyId`), the data every deployment from before
 * migration 0125 holds. Only the sealing key differs from `enrolPerson`.
 */
async function enrolPreEpoch(rt: TestRuntime, claims: ReturnType<typeof personClaims>) {
  const epochs = rt.registry.epochs;
  const forSealing = epochs.forSealing;
  epochs.forSealing = async (_set, at) => ({ ...epochs.expiryOf(at), key: undefined as unknown as TrusteeSet });
  try {
    return await enrolPerson(rt, claims);
  } finally {
    epochs.forSealing = forSealing;
  }
}

export async function startStory(
  engine: Engine,
  options: {
    disclosure?: Partial<DisclosureOptions>;
    random?: Random;
    config?: Partial<Config>;
    /** Witnesses every trustee pins at enrolment (`mvid trustee enrol --witness`). */
    witnesses?: LogPin['witnesses'];
    /** Runs once the runtime is up, before anything is logged (e.g. to point a witness at the log). */
    beforeEnrol?: (rt: TestRuntime) => void;
    /**
     * Tom's envelopes as sealed before retention epochs existed (migration 0125): to the set's
     * own key, without `escrowKeyId`, and the set has no epoch keys (so it can be reshared).
     */
    preEpochEnvelopes?: boolean;
    /** How many retention-epoch keys to deal (default TEST_EPOCHS). */
    epochs?: number;
  } = {},
): Promise<Story> {
  const rt = await startTestRuntime(engine, options.config ?? {}, { random: options.random ?? systemRandom });
  options.beforeEnrol?.(rt);
  const clock = rt.clock;
  const fetch = injectFetch(rt.app);
  const passphrases = new Map(TRUSTEES.map((t) => [t, passphraseOf(t)]));
  const dealt = await rt.registry.trusteeSets.deal({ threshold: 3, trustees: TRUSTEES, passphrases, scrypt: FAST_SCRYPT });
  await rt.registry.trusteeSets.publish(dealt.trusteeSet);
  const epochShares = options.preEpochEnvelopes
    ? new Map<string, TrusteeShare[]>()
    : await dealTestEpochs(rt.registry, dealt.trusteeSet.id, options.epochs);
  const shareFiles = new Map(dealt.shareFiles.map((s) => [s.trusteeId, s.file]));
  const { token: adminToken } = await rt.registry.adminTokens.create('ops');

  const world = await rt.worlds.registry.add({
    name: `Moonbase ${engine}`,
    redirectUris: ['https://moonbase.example/cb'],
    rules: [],
    purpose: 'A lunar colony sim',
    claims: [],
  });
  const claims = personClaims({ given_name: 'Tom', family_name: 'Tiddler' });
  const { holder, enrolled } = options.preEpochEnvelopes ? await enrolPreEpoch(rt, claims) : await enrolPerson(rt, claims);
  const handle = await rt.worlds.handles.claim(world.clientId, enrolled.personId, 'tom_on_the_moon');
  const pseudonym = await rt.worlds.subjectOf(world.clientId, enrolled.personId);

  const story = { rt, adminToken, fetch };
  const authority = await registerAuthority(story, 'Landeskriminalamt Berlin');
  const trustees = new Map<string, StoryTrustee>();
  for (const name of TRUSTEES) {
    const res = await rt.app.inject({
      method: 'POST',
      url: '/admin/v1/disclosure/trustee-credentials',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { trustee: name },
    });
    if (res.statusCode !== 201) throw new Error(`trustee credential failed: ${res.body}`);
    const token = (res.json() as { token: string }).token;
    const state = await TrusteeClient.enrol({
      url: URL_BASE,
      token,
      fetch,
      clock,
      ...(options.witnesses ? { witnesses: options.witnesses } : {}),
    });
    const entry: StoryTrustee = {
      name,
      token,
      share: [await decryptShareFile(shareFiles.get(name), passphraseOf(name)), ...(epochShares.get(name) ?? [])],
      state,
      client: undefined as unknown as TrusteeClient,
    };
    entry.client = new TrusteeClient(state, { fetch, clock, save: (s) => void (entry.state = s) });
    trustees.set(name, entry);
  }
  return {
    rt,
    clock,
    fetch,
    adminToken,
    shareFiles,
    worldId: world.clientId,
    tom: {
      personId: enrolled.personId,
      sessionToken: enrolled.session.token,
      handle,
      pseudonym,
      givenName: claims.given_name,
      familyName: claims.family_name,
      holder,
      holderKeyId: enrolled.holderKeyId,
    },
    authority,
    trustees,
    document: new TextEncoder().encode(`Amtsgericht Tiergarten, Beschluss 351 Gs 1234/26: disclose the name of the user ${handle}.`),
    async stop() {
      for (const t of trustees.values()) for (const s of t.share) s.secret.fill(0);
      await rt.stop();
    },
  };
}

/** What an operator writing to the database does: a `disclosure_request` event for `requestId`, claiming any leaf and index. */
export async function plantRequestEvent(
  story: Pick<Story, 'rt'>,
  requestId: string,
  e: { leafHash: string; entry: Uint8Array; time: string; index: number | null },
): Promise<void> {
  await story.rt.store.db
    .insertInto('disclosure_events')
    .values({
      request_id: requestId,
      extension_id: null,
      type: 'disclosure_request',
      leaf_hash: e.leafHash,
      entry: e.entry,
      time: e.time,
      log_index: e.index,
    })
    .execute();
}

/** Tom signs in again (sessions last an hour; notifications come weeks later). */
export async function signInTom(story: Story): Promise<string> {
  const assertion = await holderAssertion(story.rt, story.tom.holder, 'mvid-session+jwt', { kid: story.tom.holderKeyId });
  const res = await story.rt.app.inject({ method: 'POST', url: '/registry/v1/sessions', payload: { assertion } });
  if (res.statusCode !== 201) throw new Error(`sign-in failed: ${res.body}`);
  return (res.json() as { token: string }).token;
}

/**
 * The named trustees approve in turn; those who approved before the quorum was logged
 * then release their partials (quorum-gated release), in the same order.
 */
export async function approveAndRelease(story: Story, requestId: string, names: readonly string[], text = 'approved'): Promise<void> {
  const waiting: StoryTrustee[] = [];
  for (const name of names) {
    const t = story.trustees.get(name);
    if (!t) throw new Error(`no trustee ${name}`);
    if ((await t.client.approve(requestId, t.share, text)).waiting === 'quorum') waiting.push(t);
  }
  for (const t of waiting) await t.client.release(requestId, t.share);
}

/** A well-formed request for Tom's name under a court order (overridable). */
export function tomRequest(story: Story, overrides: Partial<FiledRequest> = {}): FiledRequest {
  const today = story.clock.now().toISOString().slice(0, 10);
  return {
    target: { worldId: story.worldId, pseudonym: story.tom.handle },
    offence: { category: 'threat_to_life', statute: 'StGB § 241 (Bedrohung)' },
    courtOrder: { court: 'Amtsgericht Tiergarten', reference: '351 Gs 1234/26', date: today, fieldGroups: ['name_birth'] },
    fieldGroups: ['name_birth'],
    notificationDelayDays: 30,
    document: story.document,
    ...overrides,
  };
}

/** Awaits a refusal with one of `codes` and returns it. */
export async function rejects(promise: Promise<unknown>, ...codes: string[]): Promise<MvidError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MvidError, `expected MvidError ${codes.join('|')}, got ${String(error)}`);
    assert.ok(codes.includes(error.code), `${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected ${codes.join('|')}`);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export { fromBase64Url };
