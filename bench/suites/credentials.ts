/**
 * SD-JWT VC presentation verification as a world does it with src/sdk: issuer signature
 * (ES256, mvid's algorithm), every disclosure against its digest, the KB-JWT (ES256, what
 * hardware-backed wallet keys use) with audience, nonce, freshness and sd_hash, validity
 * times, the status list (a signed token already fetched), required claims and the type's
 * JSON Schema. Compared to one raw ES256 verification in the same run.
 *
 * Two figures, because the SDK remembers issuer JWTs it has verified (see src/sdk/verify.ts):
 * - first presentations: every presentation carries a credential the verifier has not met
 *   (4 096 credentials cycled, four times what the SDK remembers): two signature checks and
 *   a P-256 key import each time — the worst case, and the target's figure;
 * - returning holders: 256 credentials cycled, as a world sees its regulars (a person shows
 *   the same copy to the same world every time): one signature check (the fresh KB-JWT).
 */
import { generateKeyPairSync } from 'node:crypto';
import { ManualClock, systemRandom } from '../../src/core/index.ts';
import {
  agePredicates,
  createStatusList,
  credentialSchema,
  issuanceClaimsSchema,
  issueCredentials,
  predicateValidUntil,
  signStatusList,
  vctFor,
} from '../../src/credentials/index.ts';
import { presentCredential, publicJwkOf, type VerifyPresentationOptions, verifyPresentation } from '../../src/sdk/index.ts';
import { asyncOpsPerSecond } from '../harness/measure.ts';
import { type Benchmark, defineSuite } from '../harness/types.ts';

const ISSUER = 'https://mvid.example';
const AUDIENCE = 'https://world.example';
const NONCE = 'bench-nonce-0123456789';
const STATUS_URI = `${ISSUER}/credentials/status/AAAAAAAAAAAAAAAA`;
/** Four times the SDK's memory of verified issuer JWTs: cycling them, none is ever remembered. */
const FIRST_TIME_HOLDERS = 4096;
const RETURNING_HOLDERS = 256;

const NOTE =
  'src/sdk verifyPresentation, one thread, ES256 issuer and ES256 KB-JWTs (1 of 4 claims disclosed), ' +
  'status list fetched and cached, required claim and JSON Schema checked, no replay cache';

interface State {
  firstTime: string[];
  returning: string[];
  options: VerifyPresentationOptions;
}

function rate(id: string, title: string, pick: (state: State) => string[], note: string): Benchmark<State> {
  return {
    id,
    metrics: [{ id, title, unit: 'verifications/s', better: 'higher', ceiling: 'ceiling.es256.verify', note }],
    async run(state, rep) {
      const presentations = pick(state);
      const figure = await asyncOpsPerSecond(async (_worker, n) => {
        await verifyPresentation(presentations[n % presentations.length] as string, state.options);
      }, rep.seconds);
      return { [id]: figure };
    },
  };
}

export default defineSuite<State>({
  name: 'credentials',
  title: 'SD-JWT VC credentials (src/credentials, src/sdk)',
  kind: 'mvid',
  async setup() {
    const now = new ManualClock('2026-05-01T10:00:00Z').now();
    const issuerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const issuer = { iss: ISSUER, kid: 'k1', privateKey: issuerKeys.privateKey };
    const jwks = { keys: [{ ...publicJwkOf(issuerKeys.publicKey), kid: 'k1', alg: 'ES256', use: 'sig' }] };
    const list = createStatusList();
    const statusToken = signStatusList({ list, uri: STATUS_URI, issuer, now });
    const birthdate = '1990-04-17';
    const presentations: string[] = [];
    for (let i = 0; i < FIRST_TIME_HOLDERS + RETURNING_HOLDERS; i++) {
      const holder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const [credential] = await issueCredentials({
        vct: vctFor(ISSUER, 'age'),
        claims: { ...agePredicates(birthdate, now) },
        validUntil: predicateValidUntil(birthdate, now),
        holderJwk: publicJwkOf(holder.publicKey),
        issuer,
        copies: 1,
        lifetimeSeconds: 30 * 86_400,
        now,
        random: systemRandom,
        status: () => ({ uri: STATUS_URI, idx: 1000 + i * 29 }),
        schema: issuanceClaimsSchema('age'),
        minDigests: 4,
      });
      presentations.push(
        await presentCredential(credential?.credential ?? '', {
          disclose: ['age_over_18'],
          holderPrivateKey: holder.privateKey,
          audience: AUDIENCE,
          nonce: NONCE,
          now,
        }),
      );
    }
    const options: VerifyPresentationOptions = {
      audience: AUDIENCE,
      nonce: NONCE,
      trustedIssuers: [{ iss: ISSUER, jwks }],
      requiredClaims: ['age_over_18'],
      allowedVcts: [vctFor(ISSUER, 'age')],
      typeSchemas: { [vctFor(ISSUER, 'age')]: credentialSchema(ISSUER, 'age') },
      statusLists: { get: () => statusToken },
      now,
    };
    // A verifier measured while saying "no" would be measuring the wrong thing.
    for (const p of presentations) {
      const { claims } = await verifyPresentation(p, options);
      if (claims.age_over_18 !== true) throw new Error('self-check failed: the presentation does not verify');
    }
    return { firstTime: presentations.slice(0, FIRST_TIME_HOLDERS), returning: presentations.slice(FIRST_TIME_HOLDERS), options };
  },
  benchmarks: [
    rate(
      'credentials.sd-jwt-vc.verify',
      'SD-JWT VC presentation verifications (first presentations)',
      (state) => state.firstTime,
      `${NOTE}; ${FIRST_TIME_HOLDERS} distinct credentials cycled, none remembered by the SDK`,
    ),
    rate(
      'credentials.sd-jwt-vc.verify-returning',
      'SD-JWT VC presentation verifications (returning holders)',
      (state) => state.returning,
      `${NOTE}; the same ${RETURNING_HOLDERS} credentials shown again (issuer JWTs remembered, KB-JWT fresh each time)`,
    ),
  ],
});
