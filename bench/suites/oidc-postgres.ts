/**
 * The two OIDC hot paths of the `oidc` suite on PostgreSQL (issue 18): the same `mvid serve`,
 * operator set-up and signed-in person, with MVID_DATABASE_URL on a fresh database of the
 * bench's durable cluster. No target of their own: they sit beside the SQLite rows.
 */
import { defineSuite } from '../harness/types.ts';
import { CODE_FLOW_NOTE, codeFlowLoad, type OidcState, setupOidc, TOKEN_NOTE, tokenLoad } from './oidc.ts';

export default defineSuite<OidcState>({
  name: 'oidc-postgres',
  title: 'OpenID Connect over HTTP on PostgreSQL (client credentials, code flow)',
  kind: 'mvid',
  async setup(ctx) {
    const pg = await ctx.postgres();
    return setupOidc(ctx, { databaseUrl: pg.url });
  },
  benchmarks: [
    {
      id: 'tokens.client-credentials.postgres',
      seconds: 4,
      metrics: [
        {
          id: 'tokens.client-credentials.postgres',
          title: 'Client-credentials tokens (PostgreSQL)',
          unit: 'tokens/s',
          better: 'higher',
          ceiling: 'tokens.client-credentials',
          note: `${TOKEN_NOTE}; ratio to the SQLite row`,
        },
      ],
      async run(state, rep) {
        return { 'tokens.client-credentials.postgres': (await tokenLoad(state, rep.seconds)).perSecond };
      },
    },
    {
      id: 'oidc.code-flow.postgres',
      seconds: 4,
      metrics: [
        {
          id: 'oidc.code-flow.postgres',
          title: 'OIDC authorization-code logins (PostgreSQL)',
          unit: 'logins/s',
          better: 'higher',
          ceiling: 'oidc.code-flow',
          note: `${CODE_FLOW_NOTE}; ratio to the SQLite row`,
        },
      ],
      async run(state, rep) {
        return { 'oidc.code-flow.postgres': (await codeFlowLoad(state, rep.seconds)).perSecond };
      },
    },
  ],
});
