/**
 * The two OIDC hot paths of the `oidc` suite on PostgreSQL (issue 18): the same `mvid serve`,
 * operator set-up and signed-in person, with MVID_DATABASE_URL on a fresh database of the
 * bench's durable cluster. No target of their own: they sit beside the SQLite rows.
 */
import { type Benchmark, defineSuite } from '../harness/types.ts';
import { CODE_FLOW_NOTE, codeFlowLoad, type OidcState, setupOidc, TOKEN_NOTE, tokenLoad } from './oidc.ts';

/** A PostgreSQL row whose ratio is to the SQLite row `sqliteId`. */
function beside(
  sqliteId: string,
  title: string,
  unit: string,
  note: string,
  load: (state: OidcState, seconds: number) => Promise<{ perSecond: number }>,
): Benchmark<OidcState> {
  const id = `${sqliteId}.postgres`;
  return {
    id,
    seconds: 4,
    metrics: [{ id, title: `${title} (PostgreSQL)`, unit, better: 'higher', ceiling: sqliteId, note: `${note}; ratio to the SQLite row` }],
    async run(state, rep) {
      return { [id]: (await load(state, rep.seconds)).perSecond };
    },
  };
}

export default defineSuite<OidcState>({
  name: 'oidc-postgres',
  title: 'OpenID Connect over HTTP on PostgreSQL (client credentials, code flow)',
  kind: 'mvid',
  async setup(ctx) {
    const pg = await ctx.postgres();
    return setupOidc(ctx, { databaseUrl: pg.url });
  },
  benchmarks: [
    beside('tokens.client-credentials', 'Client-credentials tokens', 'tokens/s', TOKEN_NOTE, tokenLoad),
    beside('oidc.code-flow', 'OIDC authorization-code logins', 'logins/s', CODE_FLOW_NOTE, codeFlowLoad),
  ],
});
