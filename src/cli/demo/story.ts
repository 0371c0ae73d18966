/**
 * The Tom story, told against a listening mvid over HTTP — every call a person's wallet
 * and browser, a world, a trustee's client or an authority's client would make, with
 * every client-side check (log proofs, DLEQ proofs, decryption) done as they would do it.
 * Each step says in plain words what should happen and then what did; a step that does
 * not behave as narrated stops the story with a failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, fromBase64Url, isMvidError, type ManualClock, MvidError } from '../../core/index.ts';
import { decryptShareFile } from '../../crypto/index.ts';
import { AuthorityClient, computeTransparencyReport, parseLogEntries, TrusteeClient } from '../../disclosure/index.ts';
import {
  generateHolderKey,
  issueDevPid,
  jwkThumbprint,
  loadDevIssuerKey,
  type PidClaims,
  presentPid,
  publicHolderJwk,
  signJws,
} from '../../registry/index.ts';
import { mvidJwks, verifyWorldIdToken } from '../../sdk/index.ts';
import type { DemoMaterial } from '../../server/index.ts';
import { verifyLog } from '../../tlog/index.ts';
import { type CreationOptions, SoftwareAuthenticator } from './authenticator.ts';
import { Browser, walkSignIn } from './browser.ts';
import { tellModeration } from './moderation.ts';

const DAY = 86_400_000;
const DELAY_DAYS = 30;

export interface StoryContext {
  /** The mvid the story runs against (its public URL). */
  url: string;
  material: DemoMaterial;
  /** The key directory of that mvid's data dir (the development PID issuer's key). */
  keyDir: string;
  /** The log's witnesses (their cosignature keys) when known: trustees and the authority then demand their cosignatures. */
  witnesses?: { vkeys: string[]; threshold: number };
  /** The server's clock when the demo runs it (lets the notification delay pass); else the story cannot wait. */
  clock?: ManualClock;
  out(line: string): void;
}

/** A step that did not behave as narrated. */
export class StoryFailure extends MvidError {
  constructor(step: number, message: string) {
    super('internal_error', `step ${step} did not behave as narrated: ${message}`);
  }
}

export class Narrator {
  #n = 0;
  readonly #out: (line: string) => void;
  constructor(out: (line: string) => void) {
    this.#out = out;
  }

  /** Says what should happen, runs it, and prints what did (or fails the story). */
  async step<T>(narration: string, run: (check: (ok: unknown, why: string) => void) => Promise<[T, string]>): Promise<T> {
    const n = ++this.#n;
    this.#out(`${n}. ${narration}`);
    const check = (ok: unknown, why: string) => {
      if (!ok) throw new StoryFailure(n, why);
    };
    try {
      const [value, result] = await run(check);
      this.#out(`   ✓ ${result}`);
      return value;
    } catch (error) {
      const failure =
        error instanceof StoryFailure ? error : new StoryFailure(n, isMvidError(error) ? `${error.code}: ${error.message}` : String(error));
      this.#out(`   ✗ ${failure.message}`);
      throw failure;
    }
  }

  note(line: string): void {
    this.#out(`   ${line}`);
  }
}

interface Person {
  name: string;
  claims: PidClaims;
  holder: ReturnType<typeof generateHolderKey>;
  personId: string;
  sessionToken: string;
  passkey: SoftwareAuthenticator;
}

interface World {
  name: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** The JSON body of a response with the expected status; throws with the body otherwise. */
export async function json<T>(response: Response, expected: number, what: string): Promise<T> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A trustee's API token, issued by the administrator over the admin API. */
export async function issueTrusteeCredential(url: string, adminToken: string, trustee: string): Promise<string> {
  const issued = await json<{ token: string }>(
    await fetch(`${url}/admin/v1/disclosure/trustee-credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ trustee }),
    }),
    201,
    'trustee credential',
  );
  return issued.token;
}

function claimsOf(givenName: string, familyName: string, birthdate: string, uniqueId: string): PidClaims {
  return {
    given_name: givenName,
    family_name: familyName,
    birthdate,
    nationalities: ['DE'],
    unique_id: uniqueId,
    unique_id_namespace: 'XX:dev',
    address: { street_address: '1 Mondstraße', locality: 'Berlin', country: 'DE' },
    email: `${givenName.toLowerCase()}@example.org`,
  };
}

export async function tellTheStory(ctx: StoryContext): Promise<void> {
  const { url, material } = ctx;
  const clock: Clock = ctx.clock ?? { now: () => new Date() };
  const say = new Narrator(ctx.out);
  const admin = { authorization: `Bearer ${material.adminToken}`, 'content-type': 'application/json' };
  const issuer = `${url}/oidc`;
  // A fresh run against a long-lived server must not collide with an earlier run's people and worlds.
  const run = ctx.clock ? '' : randomBytes(3).toString('hex');
  const suffix = run ? ` ${run}` : '';
  const devKey = loadDevIssuerKey(ctx.keyDir, 'development');

  const presentation = async (person: { claims: PidClaims; holder: Person['holder'] }) => {
    const pid = await issueDevPid(devKey, person.claims, person.holder.publicJwk, { now: clock.now() });
    const { nonce } = await json<{ nonce: string }>(await fetch(`${url}/registry/v1/nonces`, { method: 'POST' }), 201, 'nonce');
    return presentPid(pid, person.holder.privateJwk, { nonce, audience: url, now: clock.now() });
  };
  const enrol = async (p: { claims: PidClaims; holder: Person['holder'] }, path = 'enrolments') =>
    fetch(`${url}/registry/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ presentation: await presentation(p) }),
    });
  /** A passkey on a new device, registered with the session enrolment or recovery returned. */
  const addPasskey = async (sessionToken: string): Promise<SoftwareAuthenticator> => {
    const passkey = new SoftwareAuthenticator();
    const auth = { authorization: `Bearer ${sessionToken}` };
    const options = await json<CreationOptions>(
      await fetch(`${url}/worlds/v1/me/passkeys/options`, { method: 'POST', headers: auth }),
      200,
      'passkey options',
    );
    await json(
      await fetch(`${url}/worlds/v1/me/passkeys`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(passkey.create(options, url)),
      }),
      201,
      'passkey registration',
    );
    return passkey;
  };
  const idOf = (given: string) => `${given.toUpperCase()}-${run || 'demo'}-${createHash('sha256').update(given).digest('hex').slice(0, 6)}`;

  const plaza = await say.step(`The administrator registers the world Plaza${suffix}, which asks only for a handle.`, async () => {
    const redirectUri = 'http://localhost:4000/callback';
    const body = {
      name: `Plaza${suffix}`,
      redirectUris: [redirectUri],
      purpose: 'A town square for chatting; your handle is shown to other players.',
      rules: [{ category: 'harassment', text: 'No threats, no harassment.' }],
      claims: [{ name: 'handle', required: false }],
    };
    const world = await json<{ clientId: string; clientSecret: string }>(
      await fetch(`${url}/admin/v1/worlds`, { method: 'POST', headers: admin, body: JSON.stringify(body) }),
      201,
      'world registration',
    );
    return [{ name: body.name, redirectUri, ...world } as World, `Plaza is OpenID Connect client ${world.clientId}`];
  });

  const people: Person[] = [];
  for (const [given, family, birthdate] of [
    ['Alice', 'Adler', '1990-05-01'],
    ['Tom', 'Tiddler', '1994-03-14'],
  ] as const) {
    const person = await say.step(
      `${given} enrols with a national ID (the development PID issuer stands in for the eID) and registers a passkey.`,
      async () => {
        const claims = claimsOf(given, family, birthdate, idOf(given));
        const holder = generateHolderKey();
        const enrolled = await json<{ personId: string; session: { token: string } }>(await enrol({ claims, holder }), 201, 'enrolment');
        const passkey = await addPasskey(enrolled.session.token);
        const p: Person = { name: given, claims, holder, personId: enrolled.personId, sessionToken: enrolled.session.token, passkey };
        return [p, `${given} is person ${enrolled.personId}; the legal identity is sealed to the trustees, a passkey is on the device`];
      },
    );
    people.push(person);
  }
  // people[0] is Alice: she reports Tom in the moderation steps (see MODERATION below).
  const tom = people[1] as Person;

  const subjects = new Map<string, string>();
  for (const person of people) {
    const handle = person.name === 'Tom' ? `tom${run}` : `alice${run}`;
    await say.step(`${person.name} claims the handle "${handle}" in Plaza and signs in there with the passkey.`, async (check) => {
      await json(
        await fetch(`${url}/worlds/v1/me/worlds/${plaza.clientId}/handle`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${person.sessionToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ handle }),
        }),
        200,
        'handle',
      );
      const verifier = randomBytes(32).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      const nonce = randomBytes(16).toString('base64url');
      const authorize = new URL(`${issuer}/auth`);
      for (const [k, v] of Object.entries({
        client_id: plaza.clientId,
        redirect_uri: plaza.redirectUri,
        response_type: 'code',
        scope: 'openid handle',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state,
        nonce,
      }))
        authorize.searchParams.set(k, v);
      const back = await walkSignIn(url, new Browser(url), person.passkey, authorize.href);
      const code = back.searchParams.get('code');
      check(
        back.href.startsWith(plaza.redirectUri) && code && back.searchParams.get('state') === state,
        `mvid sent the browser to ${back.href}`,
      );
      const tokens = await json<{ id_token: string }>(
        await fetch(`${issuer}/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${encodeURIComponent(plaza.clientId)}:${encodeURIComponent(plaza.clientSecret)}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: code as string,
            redirect_uri: plaza.redirectUri,
            code_verifier: verifier,
          }),
        }),
        200,
        'token exchange',
      );
      const who = await verifyWorldIdToken(tokens.id_token, { issuer, clientId: plaza.clientId, jwks: mvidJwks(issuer), nonce });
      check(who.claims.handle === handle, `the ID token carries handle ${String(who.claims.handle)}`);
      const leaked = ['given_name', 'family_name', 'birthdate', 'email', 'address'].filter((c) => c in who.claims);
      check(leaked.length === 0, `the ID token leaks ${leaked.join(', ')}`);
      subjects.set(person.name, who.sub);
      return [undefined, `Plaza verified the ID token: pseudonym ${who.sub}, handle "${handle}" — no name, no birthdate`];
    });
  }
  await say.step('Plaza cannot link the two: each person has a pseudonym of their own.', async (check) => {
    check(subjects.get('Alice') !== subjects.get('Tom'), 'Alice and Tom got the same pseudonym');
    return [undefined, 'two different pseudonyms, neither derived from a name'];
  });

  await say.step('Tom tries to enrol a second time with the same national ID (to get a fresh, clean identity).', async (check) => {
    const again = await enrol({ claims: tom.claims, holder: generateHolderKey() });
    const problem = (await again.json()) as { code?: string };
    check(
      again.status === 409 && problem.code === 'person_already_enrolled',
      `the second enrolment answered ${again.status} ${problem.code}`,
    );
    return [undefined, 'refused: 409 person_already_enrolled — one person, one identity'];
  });

  const told = await tellModeration({
    url,
    run,
    plaza,
    alice: people[0] as Person,
    tom,
    step: (narration, work) => say.step(narration, work),
    json,
    async enrolHelper(name) {
      const claims = claimsOf(name, 'Moderator', '1985-01-01', idOf(name));
      const enrolled = await json<{ session: { token: string } }>(await enrol({ claims, holder: generateHolderKey() }), 201, 'enrolment');
      return { name, sessionToken: enrolled.session.token, passkey: await addPasskey(enrolled.session.token) };
    },
    async recoverTom() {
      const holder = generateHolderKey();
      const recovered = await json<{ session: { token: string } }>(
        await enrol({ claims: tom.claims, holder }, 'recoveries'),
        200,
        'recovery',
      );
      return { name: 'Tom', sessionToken: recovered.session.token, passkey: await addPasskey(recovered.session.token), holder };
    },
    async registerWorld(name) {
      const redirectUri = 'http://localhost:4001/callback';
      const body = { name, redirectUris: [redirectUri], purpose: 'A harbour to trade in.', rules: [], claims: [] };
      const world = await json<{ clientId: string }>(
        await fetch(`${url}/admin/v1/worlds`, { method: 'POST', headers: admin, body: JSON.stringify(body) }),
        201,
        'world registration',
      );
      return { clientId: world.clientId, redirectUri };
    },
  });
  // Tom's recovered account (new keys, a new device) is the one the rest of the story uses.
  Object.assign(tom, told.tom);

  const authority = material.authority;
  if (!authority) throw new StoryFailure(0, `no demo authority in ${material.dir}`);
  const log = await json<{ origin: string; verifierKey: string; pseudonymKey: string }>(
    await fetch(`${url}/disclosure/v1/log`),
    200,
    'log key',
  );
  // The authority pins the log key and the pseudonym key: it checks the chain pseudonym → person → envelopes itself.
  const authorityClient = new AuthorityClient({
    url,
    token: authority.token,
    fetch,
    clock,
    pins: { log: { origin: log.origin, vkey: log.verifierKey }, pseudonymKey: log.pseudonymKey },
  });
  const { passphrases, shareFiles } = material.trustees;
  const trusteeNames = Object.keys(shareFiles);
  const trustees = new Map<string, TrusteeClient>();
  await say.step(
    `The ${trusteeNames.length} trustees (${trusteeNames.join(', ')}) each get a client: it registers a document key and pins the log key and the pseudonym key.`,
    async () => {
      for (const name of trusteeNames) {
        const state = await TrusteeClient.enrol({
          url,
          token: await issueTrusteeCredential(url, material.adminToken, name),
          fetch,
          clock,
          logKey: log.verifierKey,
          pseudonymKey: log.pseudonymKey,
          ...(ctx.witnesses ? { witnesses: ctx.witnesses } : {}),
        });
        trustees.set(name, new TrusteeClient(state, { fetch, clock, save: () => {} }));
      }
      const pinned = ctx.witnesses ? ` and ${ctx.witnesses.threshold} of ${ctx.witnesses.vkeys.length} witness cosignatures demanded` : '';
      return [undefined, `log key ${log.verifierKey} and pseudonym key ${log.pseudonymKey} pinned by every trustee client${pinned}`];
    },
  );

  const handle = `tom${run}`;
  const delayDays = ctx.clock ? DELAY_DAYS : 0;
  const requestId = await say.step(
    `A court orders disclosure of the name of "${handle}" in Plaza for a threat to life (StGB § 241); ${authority.name} files the order.`,
    async () => {
      const reference = `351 Gs ${run || '1234'}/26`;
      const accepted = await authorityClient.file(
        {
          target: { worldId: plaza.clientId, pseudonym: handle },
          offence: { category: 'threat_to_life', statute: 'StGB § 241 (Bedrohung)' },
          courtOrder: {
            court: 'Amtsgericht Tiergarten',
            reference,
            date: clock.now().toISOString().slice(0, 10),
            fieldGroups: ['name_birth'],
          },
          fieldGroups: ['name_birth'],
          notificationDelayDays: delayDays,
          document: new TextEncoder().encode(`Amtsgericht Tiergarten, ${reference}: identify "${handle}" of Plaza (threats, StGB § 241).`),
        },
        { origin: log.origin, vkey: log.verifierKey, ...(ctx.witnesses ? { witnesses: ctx.witnesses } : {}) },
      );
      return [
        accepted.requestId,
        `request ${accepted.requestId} for the name only (name_birth), committed to the pseudonym ${accepted.target.pseudonym} (not the handle), logged at index ${accepted.logIndex}; the authority checked its inclusion proof`,
      ];
    },
  );

  const withShare = async <T>(name: string, work: (share: Awaited<ReturnType<typeof decryptShareFile>>) => Promise<T>): Promise<T> => {
    const file = JSON.parse(readFileSync(join(material.dir, shareFiles[name] as string), 'utf8')) as unknown;
    const share = await decryptShareFile(file, passphrases[name] as string);
    try {
      return await work(share);
    } finally {
      share.secret.fill(0);
    }
  };
  const approve = (name: string) =>
    withShare(name, (share) =>
      (trustees.get(name) as TrusteeClient).approve(requestId, share, `${name}: a court order for an offence in law, proportionate`),
    );
  const [first, second, third] = trusteeNames as [string, string, string];
  for (const name of [first, second]) {
    await say.step(
      `Trustee ${name} checks the request against the public log (pinned log key${ctx.witnesses ? ', witness cosignatures' : ''}, inclusion proof) and the chain pseudonym → person id → envelopes logged at enrolment, and approves.`,
      async () => {
        const r = await approve(name);
        return [undefined, `approval logged at ${r.approvalIndex} and proven; no partial decryption yet: the log holds no quorum`];
      },
    );
  }
  await say.step('With two of five approvals the authority asks for the name.', async (check) => {
    try {
      await authorityClient.fetchRelease(requestId, fromBase64Url(authority.secretKey));
    } catch (error) {
      return [undefined, `nothing: ${isMvidError(error) ? error.code : String(error)} — three trustees are needed`];
    }
    check(false, 'the authority got something with two approvals');
    return [undefined, ''];
  });
  await say.step(`Trustee ${third} verifies and approves: the third approval.`, async (check) => {
    const r = await approve(third);
    check(r.upload !== undefined, 'the approval completing the quorum uploaded no share');
    let released = r.upload?.released === true;
    for (const name of [first, second])
      released = (await withShare(name, (share) => (trustees.get(name) as TrusteeClient).release(requestId, share))).released || released;
    check(released, 'the request was not released by the three shares');
    return [
      undefined,
      `approval logged at ${r.approvalIndex}; the log now proves three approvals, so ${third}, ${first} and ${second} each compute and upload a sealed share, releasing the request`,
    ];
  });

  await say.step(`${authority.name} combines the three shares with its own key and decrypts.`, async (check) => {
    const opened = await authorityClient.fetchRelease(requestId, fromBase64Url(authority.secretKey));
    const groups = opened.envelopes.map((e) => e.fieldGroup);
    const fields = opened.envelopes[0]?.fields as Record<string, unknown>;
    check(groups.length === 1 && groups[0] === 'name_birth', `field groups ${groups.join(', ')} were opened`);
    check(fields.given_name === 'Tom' && fields.family_name === 'Tiddler', 'the name is not Tom Tiddler');
    const extra = ['address', 'email', 'unique_id', 'document_number'].filter((f) => f in fields);
    check(extra.length === 0, `also got ${extra.join(', ')}`);
    const receipt = await authorityClient.receipt(requestId, opened);
    return [
      undefined,
      `Tom Tiddler, born ${fields.birthdate} — and nothing else (no address, no e-mail, no ID number); receipt logged at ${receipt.indices.join(', ')}`,
    ];
  });

  const checkpointSize = await say.step(
    'Anyone verifies the public log: every entry recomputed, every step of the request in it.',
    async (check) => {
      const witnesses = ctx.witnesses ? { witnesses: ctx.witnesses.vkeys, witnessThreshold: ctx.witnesses.threshold } : {};
      const verified = await verifyLog({ url, fetch, clock, state: null, key: log.verifierKey, ...witnesses });
      const status = await authorityClient.status(requestId);
      const missing = status.events.filter((e) => e.index === null || BigInt(e.index) >= verified.checkpoint.size);
      check(missing.length === 0, `steps not in the log: ${missing.map((e) => e.type).join(', ')}`);
      const witnessed =
        verified.cosignatures > 0
          ? `, cosigned by ${verified.cosignatures} witness${verified.cosignatures === 1 ? '' : 'es'}`
          : ' (this server has no log witnesses configured)';
      return [
        verified.checkpoint.size,
        `${verified.verifiedEntries} entries verified against checkpoint ${verified.checkpoint.size}${witnessed}; ${status.events.map((e) => `${e.type}@${e.index}`).join(', ')}`,
      ];
    },
  );

  const disclosuresOfTom = async () => {
    const { nonce } = await json<{ nonce: string }>(await fetch(`${url}/registry/v1/nonces`, { method: 'POST' }), 201, 'nonce');
    const assertion = signJws(
      { typ: 'mvid-session+jwt', kid: jwkThumbprint(publicHolderJwk(tom.holder.publicJwk)) },
      { aud: url, nonce, iat: Math.floor(clock.now().getTime() / 1000) },
      tom.holder.privateJwk,
    );
    const session = await json<{ token: string }>(
      await fetch(`${url}/registry/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ assertion }),
      }),
      201,
      'session',
    );
    const body = await json<{
      disclosures: Array<{ authority: { name: string }; courtOrder: { reference: string }; fieldGroups: string[] }>;
    }>(
      await fetch(`${url}/disclosure/v1/me/disclosures`, { headers: { authorization: `Bearer ${session.token}` } }),
      200,
      'my disclosures',
    );
    return body.disclosures;
  };
  if (ctx.clock) {
    await say.step(`Tom looks at his account: the ${DELAY_DAYS}-day legal delay has not ended.`, async (check) => {
      const now = await disclosuresOfTom();
      check(now.length === 0, `Tom already sees ${now.length} disclosures`);
      return [undefined, 'nothing shown yet — the investigation is not tipped off'];
    });
    ctx.clock.advance(DELAY_DAYS * DAY);
  } else {
    ctx.out('   (against --url the demo cannot wait for a delay, so the order set none)');
  }
  await say.step(`${ctx.clock ? `${DELAY_DAYS} days later, ` : ''}Tom looks at his account again.`, async (check) => {
    const seen = await disclosuresOfTom();
    const mine = seen.find((d) => d.authority.name === authority.name && d.fieldGroups.join() === 'name_birth');
    check(mine, `Tom sees ${seen.length} disclosures, none by ${authority.name}`);
    return [undefined, `Tom sees: ${mine?.authority.name} received his name and birth date under order ${mine?.courtOrder.reference}`];
  });

  await say.step('The public transparency page counts the disclosure, and its figures recompute from the log.', async (check) => {
    const page = await (await fetch(`${url}/transparency`)).text();
    const served = await json<{ totals: Record<string, number>; generatedAt: string }>(
      await fetch(`${url}/disclosure/v1/transparency-report`),
      200,
      'report',
    );
    const records = await json<{ requests: never[]; authorities: never[] }>(
      await fetch(`${url}/disclosure/v1/transparency/records`),
      200,
      'records',
    );
    const entries = await json<{ entries: string[] }>(
      await fetch(`${url}/disclosure/v1/log/entries?start=0&end=${checkpointSize}`),
      200,
      'entries',
    );
    const recomputed = computeTransparencyReport(
      parseLogEntries(entries.entries.map((e) => Buffer.from(e, 'base64url'))),
      records.requests,
      records.authorities,
    );
    const { generatedAt: _g, ...figures } = served;
    check((served.totals.releases ?? 0) >= 1, `the report counts ${served.totals.releases} releases`);
    check(/[Tt]ransparency/.test(page), 'the transparency page did not render');
    check(JSON.stringify(recomputed) === JSON.stringify(figures), 'the served report differs from the one recomputed from the log');
    return [undefined, `totals ${JSON.stringify(served.totals)} — identical when recomputed from the log`];
  });
}
