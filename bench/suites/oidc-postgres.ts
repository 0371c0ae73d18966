/**
 * The two OIDC hot paths of the `oidc` suite on PostgreSQL (issue 18): the same `mvid serve`,
 * operator set-up and signed-in person, with MVID_DATABASE_URL on a fresh database of the
 * bench's durable cluster. No target of their own: they sit beside the SQLite rows. Beside
 * them, enrolments over HTTP on the same node (issue 15): the one-node figure the `cluster`
 * suite's enrolment row is compared to, itself compared to the registry suite's in-process one.
 */
import { type Benchmark, defineSuite } from '../harness/types.ts';
import { CODE_FLOW_NOTE, codeFlowLoad, ENROL_NOTE, enrolLoad, type OidcState, setupOidc, TOKEN_NOTE, tokenLoad } from './oidc.ts';

/** A row on this suite's node whose ratio is to `ceiling`. */
function measured(
  id: string,
  ceiling: string,
  title: string,
  unit: string,
  note: string,
  seconds: number,
  load: (state: OidcState, seconds: number) => Promise<{ perSecond: number }>,
): Benchmark<OidcState> {
  return {
    id,
    seconds,
    metrics: [{ id, title, unit, better: 'higher', ceiling, note }],
    async run(state, rep) {
      return { [id]: (await load(state, rep.seconds)).perSecond };
    },
  };
}

/** A PostgreSQL row whose ratio is to the SQLite row `sqliteId`. */
function beside(
  sqliteId: string,
  title: string,
  unit: string,
  note: string,
  load: (state: OidcState, seconds: number) => Promise<{ perSecond: number }>,
): Benchmark<OidcState> {
  return measured(`${sqliteId}.postgres`, sqliteId, `${title} (PostgreSQL)`, unit, `${note}; ratio to the SQLite row`, 4, load);
}

export default defineSuite<OidcState>({
  name: 'oidc-postgres',
  title: 'OpenID Connect and enrolment over HTTP on PostgreSQL (client credentials, code flow, enrolments)',
  kind: 'mvid',
  async setup(ctx) {
    const pg = await ctx.postgres();
    return setupOidc(ctx, { databaseUrl: pg.url });
  },
  benchmarks: [
    beside('tokens.client-credentials', 'Client-credentials tokens', 'tokens/s', TOKEN_NOTE, tokenLoad),
    beside('oidc.code-flow', 'OIDC authorization-code logins', 'logins/s', CODE_FLOW_NOTE, codeFlowLoad),
    measured(
      'registry.enrol.http.postgres',
      'registry.enrol.postgres',
      'Enrolments over HTTP, one node (PostgreSQL)',
      'enrolments/s',
      `${ENROL_NOTE}; ratio to the in-process row (what HTTP, the abuse limiter and the session add)`,
      // As long as the cluster suite's repetitions, whose enrolment row is compared to this one.
      1,
      enrolLoad,
    ),
  ],
});
