/**
 * `mvid demo`: the whole lawful-disclosure story, in-process, against a fresh
 * temporary data directory — every HTTP call goes through the real app, every
 * client-side check (log proofs, DLEQ proofs, decryption) runs as it would on an
 * authority's or trustee's machine. A manual clock lets the notification delay pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config/index.ts';
import { isMvidError, ManualClock } from '../../core/index.ts';
import { decryptShareFile, generateRecipientKeyPair, type TrusteeSet } from '../../crypto/index.ts';
import { ApiClient, AuthorityClient, computeTransparencyReport, parseLogEntries, TrusteeClient } from '../../disclosure/index.ts';
import { verifyLog } from '../../tlog/index.ts';
import {
  type DkgCall,
  generateHolderKey,
  issueDevPid,
  jwkThumbprint,
  loadDevIssuerKey,
  presentPid,
  publicHolderJwk,
  runDkg,
  signJws,
} from '../../registry/index.ts';
import { createLogger, startRuntime } from '../../server/index.ts';
import { keyDirOf } from '../../keys/index.ts';
import type { CliIo } from '../io.ts';

const URL_BASE = 'http://mvid.demo';
const TRUSTEES = ['alice', 'bob', 'carol', 'dave', 'erin'];
const DAY = 86_400_000;

/** A fetch that answers through `app.inject` (a real Response, as a network fetch would give). */
export function inProcessFetch(app: FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(input));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: `${u.pathname}${u.search}`,
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
    return new Response(res.statusCode === 204 ? null : res.rawPayload, { status: res.statusCode, headers });
  }) as typeof fetch;
}

async function demo(io: CliIo, keep: boolean): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mvid-demo-'));
  const say = (step: string) => io.out(step);
  const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const config = loadConfig({
    env: {},
    overrides: { dataDir, publicUrl: URL_BASE, logLevel: 'silent', mode: 'development', sweepIntervalSeconds: 0 },
  });
  const rt = await startRuntime(config, { clock, logger: createLogger('silent'), background: false });
  try {
    await rt.app.ready();
    const fetch = inProcessFetch(rt.app);
    const admin = (await rt.registry.adminTokens.create('demo')).token;
    const asAdmin = { authorization: `Bearer ${admin}` };
    say(`0. a fresh mvid in ${dataDir} (SQLite, key directory, transparency log ${rt.tlog.origin})`);

    const passphrases = new Map(TRUSTEES.map((t) => [t, `${t} passphrase for the demo`]));
    // A dealerless key generation: each trustee's client runs the ceremony through the server; no one holds the secret.
    const ceremony = await rt.registry.dkg.create({ threshold: 3, trustees: TRUSTEES });
    const ran = await Promise.all(
      ceremony.tokens.map((t) => {
        const api = new ApiClient(URL_BASE, t.token, fetch);
        const passphrase = passphrases.get(t.trusteeId) as string;
        const call: DkgCall = (method, path, body) => api.json(method, path, body);
        return runDkg({ ceremonyId: ceremony.ceremony.id, call, passphrase, scrypt: { logN: 14, r: 8, p: 1 }, pollMs: 10 });
      }),
    );
    const dealt = { shareFiles: ran.map((r) => ({ trusteeId: TRUSTEES[r.trusteeIndex - 1] as string, file: r.shareFile })) };
    const set = ran[0]?.trusteeSet as TrusteeSet;
    say(
      `1. key ceremony (DKG, no dealer): ${set.threshold} of ${set.trustees.length} (${TRUSTEES.join(', ')}); each holds a passphrase-encrypted share file, no machine held the escrow secret`,
    );

    const world = await rt.worlds.registry.add({
      name: 'Moonbase',
      redirectUris: ['https://moonbase.example/cb'],
      rules: [],
      purpose: 'A lunar colony sim',
      claims: [],
    });
    const holder = generateHolderKey();
    const claims = {
      given_name: 'Tom',
      family_name: 'Tiddler',
      birthdate: '1994-03-14',
      nationalities: ['DE'],
      unique_id: 'DE-T22000129',
      unique_id_namespace: 'DE:eid',
      document_number: 'T22000129',
      address: { street_address: '1 Mondstraße', locality: 'Berlin', country: 'DE' },
      email: 'tom@example.org',
    };
    const pid = await issueDevPid(loadDevIssuerKey(keyDirOf(dataDir), 'development'), claims, holder.publicJwk, { now: clock.now() });
    const presentation = await presentPid(pid, holder.privateJwk, {
      nonce: rt.registry.issueNonce().nonce,
      audience: URL_BASE,
      now: clock.now(),
    });
    const tom = await rt.registry.enrolments.enrol(presentation);
    const handle = await rt.worlds.handles.claim(world.clientId, tom.personId, 'tom_on_the_moon');
    say(
      `2. Tom enrols (legal identity sealed in 4 envelopes) and plays in ${world.world.name} as "${handle}" — pseudonym ${rt.worlds.subjectFor(world.clientId, tom.personId)}`,
    );

    const authorityKey = generateRecipientKeyPair();
    const reg = await rt.app.inject({
      method: 'POST',
      url: '/admin/v1/authorities',
      headers: asAdmin,
      payload: {
        name: 'Landeskriminalamt Berlin',
        jurisdiction: 'DE-BE',
        contact: 'lka@polizei.berlin.example',
        encryptionKey: authorityKey.publicKey,
      },
    });
    const { authority, token: authorityToken } = reg.json() as { authority: { id: string; name: string }; token: string };
    say(`3. the administrator registers the authority ${authority.name} (id ${authority.id})`);

    const trustees = new Map<string, TrusteeClient>();
    for (const name of TRUSTEES) {
      const issued = await rt.app.inject({
        method: 'POST',
        url: '/admin/v1/disclosure/trustee-credentials',
        headers: asAdmin,
        payload: { trustee: name },
      });
      const state = await TrusteeClient.enrol({ url: URL_BASE, token: (issued.json() as { token: string }).token, fetch, clock });
      trustees.set(name, new TrusteeClient(state, { fetch, clock, save: () => {} }));
    }
    const log = (await rt.app.inject({ url: '/disclosure/v1/log' })).json() as { origin: string; verifierKey: string };
    say(`4. each trustee's client registers a document key and pins the log key ${log.verifierKey}`);

    const authorityClient = new AuthorityClient({ url: URL_BASE, token: authorityToken, fetch });
    const document = new TextEncoder().encode(
      `Amtsgericht Tiergarten, 351 Gs 1234/26: identify the user "${handle}" of ${world.world.name} (threats, StGB § 241).`,
    );
    const accepted = await authorityClient.file(
      {
        target: { worldId: world.clientId, pseudonym: handle },
        offence: { category: 'threat_to_life', statute: 'StGB § 241 (Bedrohung)' },
        courtOrder: {
          court: 'Amtsgericht Tiergarten',
          reference: '351 Gs 1234/26',
          date: clock.now().toISOString().slice(0, 10),
          fieldGroups: ['name_birth'],
        },
        fieldGroups: ['name_birth'],
        notificationDelayDays: 30,
        document,
      },
      { origin: log.origin, vkey: log.verifierKey },
    );
    const requestId = accepted.requestId;
    say(
      `5. the authority files request ${requestId} for name_birth under order 351 Gs 1234/26: logged at index ${accepted.logIndex} (inclusion proof verified)`,
    );
    say(`   logged entry:\n${Buffer.from(accepted.entry, 'base64url').toString('utf8').trimEnd().replace(/^/gm, '     ')}`);

    for (const name of ['alice', 'bob']) {
      const share = await decryptShareFile(dealt.shareFiles.find((s) => s.trusteeId === name)?.file, passphrases.get(name) as string);
      const r = await (trustees.get(name) as TrusteeClient).approve(requestId, share, `${name}: lawful order, proportionate`);
      share.secret.fill(0);
      say(
        `${name === 'alice' ? '6' : '7'}. ${name} verifies the request in the log, approves (logged at ${r.approvalIndex}, proven), uploads a sealed share`,
      );
    }
    try {
      await authorityClient.fetchRelease(requestId, authorityKey.secretKey);
    } catch (error) {
      say(`8. with two approvals the authority gets nothing: ${isMvidError(error) ? error.code : String(error)}`);
    }
    const carolShare = await decryptShareFile(
      dealt.shareFiles.find((s) => s.trusteeId === 'carol')?.file,
      passphrases.get('carol') as string,
    );
    const third = await (trustees.get('carol') as TrusteeClient).approve(requestId, carolShare, 'carol: approved');
    carolShare.secret.fill(0);
    say(`9. carol approves (logged at ${third.approvalIndex}); the third sealed share releases the request`);

    const opened = await authorityClient.fetchRelease(requestId, authorityKey.secretKey);
    const fields = opened.envelopes[0]?.fields as { given_name?: string; family_name?: string; birthdate?: string };
    say(
      `10. the authority opens the shares with its own key, checks 3 DLEQ proofs, combines and decrypts ${opened.envelopes.map((e) => e.fieldGroup).join(', ')}: ${fields.given_name} ${fields.family_name}, born ${fields.birthdate}`,
    );
    const receipt = await authorityClient.receipt(requestId, opened);
    say(`11. receipt logged at ${receipt.indices.join(', ')}; the request is closed`);

    const status = await authorityClient.status(requestId);
    const verified = await verifyLog({ url: URL_BASE, fetch, clock, state: null, key: log.verifierKey });
    const missing = status.events.filter((e) => e.index === null || BigInt(e.index) >= verified.checkpoint.size);
    say(
      `12. the log verifies: ${verified.verifiedEntries} entries recomputed against checkpoint ${verified.checkpoint.size}; every step is in it (${status.events.map((e) => `${e.type}@${e.index}`).join(', ')})${missing.length ? ' — MISSING STEPS' : ''}`,
    );

    const mine = async () => {
      const nonce = rt.registry.issueNonce().nonce;
      const iat = Math.floor(clock.now().getTime() / 1000);
      const assertion = signJws(
        { typ: 'mvid-session+jwt', kid: jwkThumbprint(publicHolderJwk(holder.publicJwk)) },
        { aud: URL_BASE, nonce, iat },
        holder.privateJwk,
      );
      const session = (await rt.app.inject({ method: 'POST', url: '/registry/v1/sessions', payload: { assertion } })).json() as {
        token: string;
      };
      const res = await rt.app.inject({ url: '/disclosure/v1/me/disclosures', headers: { authorization: `Bearer ${session.token}` } });
      return (
        res.json() as {
          disclosures: Array<{
            authority: { name: string };
            courtOrder: { reference: string };
            fieldGroups: string[];
            releasedAt: string;
            log: Array<{ index: number }>;
          }>;
        }
      ).disclosures;
    };
    say(`13. Tom looks at his disclosures today: ${(await mine()).length} shown (the legal delay has not ended)`);
    clock.advance(30 * DAY);
    const [seen] = await mine();
    say(
      `14. 30 days later Tom sees: ${seen?.authority.name} received his ${seen?.fieldGroups.join(', ')} under order ${seen?.courtOrder.reference}, released ${seen?.releasedAt}; log entries ${seen?.log.map((e) => e.index).join(', ')}`,
    );

    const served = (await rt.app.inject({ url: '/disclosure/v1/transparency-report' })).json() as {
      totals: Record<string, number>;
      generatedAt: string;
    };
    const records = (await rt.app.inject({ url: '/disclosure/v1/transparency/records' })).json() as {
      requests: never[];
      authorities: never[];
    };
    const entries = (await rt.app.inject({ url: `/disclosure/v1/log/entries?start=0&end=${verified.checkpoint.size}` })).json() as {
      entries: string[];
    };
    const recomputed = computeTransparencyReport(
      parseLogEntries(entries.entries.map((e) => Buffer.from(e, 'base64url'))),
      records.requests,
      records.authorities,
    );
    const { generatedAt: _g, ...figures } = served;
    say(
      `15. transparency report: ${JSON.stringify(served.totals)}; recomputed from the log: ${JSON.stringify(recomputed) === JSON.stringify(figures) ? 'identical' : 'DIFFERENT'}`,
    );
  } finally {
    await rt.close();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('run the whole lawful-disclosure story in-process against a fresh temporary data directory')
    .option('--keep', 'keep the temporary data directory')
    .action((o: { keep?: boolean }) => demo(io, o.keep === true));
}
