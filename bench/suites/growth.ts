/**
 * Cost against the number of persons (issue 18): one in-process mvid per size (SQLite), its
 * persons bulk-loaded through the store (registry rows, and a pseudonym-index row each in the
 * measured world, as if every one had signed in there), then the same operations timed at
 * every size in every repetition: filing a disclosure request for a pseudonym the world has
 * seen and for one it has not, enrolling a person, and a registry session sign-in. The
 * `…ratio` metrics divide the largest size's median by the smallest's; a target holds each
 * under 2. Sizes are 10^4 and 10^5, and 10^6 in a full run only (bulk-loading it takes
 * minutes); a selective or `--quick` run never builds it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { toBase64Url } from '../../src/core/index.ts';
import { enrolPerson, rejects, signInTom, type Story, startStory, tomRequest } from '../../test/support/disclosure.ts';
import { personClaims } from '../../test/support/registry.ts';
import { BENCH_ABUSE_LIMITS } from '../harness/abuse.ts';
import { timeEach } from '../harness/measure.ts';
import { median } from '../harness/stats.ts';
import { defineSuite, type Figures, type MetricSpec } from '../harness/types.ts';

const BATCH = 1000;

/** Whether this process runs the full bench (no suite names, no --quick): only then 10^6. */
function fullRun(): boolean {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  return !args.includes('--quick') && !args.some((a) => !a.startsWith('-'));
}

interface Sized {
  persons: number;
  story: Story;
}

/** Adds persons (and their index rows in the story's world) until the registry holds `persons`. */
async function bulkLoad(story: Story, persons: number): Promise<void> {
  const { store } = story.rt;
  const have = Number(
    (
      await store.db
        .selectFrom('registry_persons')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const at = story.clock.now().toISOString();
  for (let done = have; done < persons; done += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, persons - done) }, () => randomUUID());
    await store.transaction(async (tx) => {
      await tx
        .insertInto('registry_persons')
        .values(
          ids.map((id) => ({
            id,
            status: 'active' as const,
            created_at: at,
            updated_at: at,
            closed_at: null,
            purge_after: null,
            swept_at: null,
          })),
        )
        .execute();
      // Index rows keyed like real ones (43 base64url characters): what the lookup's B-tree holds.
      await tx
        .insertInto('worlds_pseudonyms')
        .values(ids.map((id) => ({ world_id: story.worldId, pseudonym: toBase64Url(randomBytes(32)), person_id: id })))
        .execute();
    });
  }
}

const OPERATIONS = {
  'filing.seen': {
    title: 'Disclosure filing, seen pseudonym',
    note: 'authority client → HTTP (inject) → resolve through the pseudonym index, VRF proof, escrow lookup, commitments, log append',
    run: async (s: Story) => s.authority.client.file(tomRequest(s, { target: { worldId: s.worldId, pseudonym: s.tom.pseudonym } })),
  },
  'filing.unseen': {
    title: 'Disclosure filing, unseen pseudonym',
    note: 'a pseudonym the world was never given: one indexed read and `disclosure_target_unknown` (before issue 18: a VRF per person)',
    run: async (s: Story) =>
      rejects(
        s.authority.client.file(tomRequest(s, { target: { worldId: s.worldId, pseudonym: toBase64Url(randomBytes(32)) } })),
        'disclosure_target_unknown',
      ),
  },
  enrol: {
    title: 'Enrolment',
    note: 'registry.enrolments.enrol with the dev PID issued and presented in the timed section too',
    run: async (s: Story) => enrolPerson(s.rt, personClaims()),
  },
  'sign-in': {
    title: 'Registry session sign-in',
    note: 'POST /registry/v1/sessions with a holder assertion (inject)',
    run: async (s: Story) => signInTom(s),
  },
} as const;

type Operation = keyof typeof OPERATIONS;
const NAMES = Object.keys(OPERATIONS) as Operation[];
/** Built in this run: 10^6 in a full run only. */
const SIZES = fullRun() ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];

function metrics(): MetricSpec[] {
  const out: MetricSpec[] = [];
  for (const name of NAMES) {
    const op = OPERATIONS[name];
    for (const size of SIZES)
      out.push({
        id: `growth.${name}.${size}`,
        title: `${op.title} at ${size.toLocaleString('en')} persons`,
        unit: 'ms',
        better: 'lower',
        note: op.note,
      });
    out.push({
      id: `growth.${name}.ratio`,
      title: `${op.title}: largest size ÷ smallest`,
      unit: '×',
      better: 'lower',
      note: 'median at the largest size built (10^6 in a full run, else 10^5) over the median at 10^4, same repetition',
    });
  }
  return out;
}

export default defineSuite<{ sized: Sized[] }>({
  name: 'growth',
  title: 'Cost against the number of persons',
  kind: 'mvid',
  async setup(ctx) {
    const sized: Sized[] = [];
    for (const persons of SIZES) {
      const story = await startStory('sqlite', { config: { abuseLimits: BENCH_ABUSE_LIMITS } });
      ctx.defer(() => story.stop());
      const started = performance.now();
      await bulkLoad(story, persons);
      ctx.log(`growth: ${persons} persons loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      sized.push({ persons, story });
    }
    return { sized };
  },
  benchmarks: [
    {
      id: 'growth',
      seconds: 2,
      metrics: metrics(),
      async run(state, rep) {
        const figures: Record<string, number> = {};
        const share = rep.seconds / (state.sized.length * NAMES.length);
        for (const name of NAMES) {
          for (const { persons, story } of state.sized)
            figures[`growth.${name}.${persons}`] = median(await timeEach(() => OPERATIONS[name].run(story), share, 5));
          const built = state.sized.map((s) => figures[`growth.${name}.${s.persons}`] as number);
          figures[`growth.${name}.ratio`] = (built[built.length - 1] as number) / (built[0] as number);
        }
        return figures as Figures;
      },
    },
  ],
});
