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
import { verifyPresentation } from '../../src/sdk/index.ts';
import { buildPresentations } from '../fixtures/presentations.ts';
import { asyncOpsPerSecond } from '../harness/measure.ts';
import { type Benchmark, defineSuite } from '../harness/types.ts';

/** Four times the SDK's memory of verified issuer JWTs: cycling them, none is ever remembered. */
const FIRST_TIME_HOLDERS = 4096;
const RETURNING_HOLDERS = 256;

const NOTE =
  'src/sdk verifyPresentation, one thread, ES256 issuer and ES256 KB-JWTs (1 of 4 claims disclosed), ' +
  'status list fetched and cached, required claim and JSON Schema checked, no replay cache';

interface State {
  firstTime: string[];
  returning: string[];
  options: Awaited<ReturnType<typeof buildPresentations>>['options'];
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
    const { presentations, options } = await buildPresentations(FIRST_TIME_HOLDERS + RETURNING_HOLDERS);
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
