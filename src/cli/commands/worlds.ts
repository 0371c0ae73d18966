/**
 * `mvid worlds add|list|pseudonyms|disable`: register the virtual worlds that sign people in
 * through mvid, and say which pseudonym each knows its users by. A world's client secret
 * (when it does not use its own JWKS) is printed once here and never again.
 */
import type { Command } from 'commander';
import { loadConfig, storeLocationOf } from '../../config/index.ts';
import { systemClock, systemRandom } from '../../core/index.ts';
import { openStore } from '../../store/index.ts';
import {
  isWorldClaim,
  isWorldPseudonymKind,
  type JsonWebKeySet,
  type NewWorld,
  WorldRegistry,
  type WorldPseudonymKind,
} from '../../worlds/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { collect, readJsonFile } from './registry-context.ts';

interface AddOptions {
  name: string;
  redirectUri: string[];
  postLogoutUri: string[];
  purpose: string;
  claim: string[];
  optionalClaim: string[];
  rule: string[];
  rulesFile?: string;
  logoUri?: string;
  policyUri?: string;
  tosUri?: string;
  jwksFile?: string;
  secretPost?: boolean;
  pseudonyms?: string;
}

function pseudonymKindOf(value: string): WorldPseudonymKind {
  if (!isWorldPseudonymKind(value)) throw new UsageError(`the pseudonym kind is oidc or blind (got ${JSON.stringify(value)})`);
  return value;
}

async function withWorlds<T>(io: CliIo, work: (worlds: WorldRegistry, issuer: string) => Promise<T>): Promise<T> {
  const config = loadConfig({ env: io.env, cwd: io.cwd });
  const store = openStore(storeLocationOf(config));
  try {
    await store.migrate();
    return await work(
      new WorldRegistry(store, systemClock, systemRandom, { production: config.mode !== 'development' }),
      `${config.publicUrl}/oidc`,
    );
  } finally {
    await store.close();
  }
}

function claimsOf(required: string[], optional: string[]): NewWorld['claims'] {
  const all = [...required.map((name) => ({ name, required: true })), ...optional.map((name) => ({ name, required: false }))];
  for (const c of all) if (!isWorldClaim(c.name)) throw new UsageError(`unknown claim ${c.name}`);
  return all as NewWorld['claims'];
}

function rulesOf(io: CliIo, options: AddOptions): NewWorld['rules'] {
  const inline = options.rule.map((r) => {
    const eq = r.indexOf('=');
    if (eq < 1) throw new UsageError(`--rule takes category=text (got ${JSON.stringify(r)})`);
    return { category: r.slice(0, eq), text: r.slice(eq + 1) };
  });
  const fromFile = options.rulesFile ? (readJsonFile(io, options.rulesFile, 'rules file') as NewWorld['rules']) : [];
  if (!Array.isArray(fromFile)) throw new UsageError('the rules file holds a JSON array of {category, text}');
  return [...fromFile, ...inline];
}

export function registerWorldsCommands(program: Command, io: CliIo): void {
  const worlds = program.command('worlds').description('virtual worlds that sign people in through mvid (OpenID Connect clients)');
  worlds
    .command('add')
    .description('register a world; prints its client id (and client secret, once)')
    .requiredOption('--name <name>', 'the name people see on the consent page')
    .option('--redirect-uri <uri>', 'an OpenID Connect redirect URI (repeatable; one host)', collect, [])
    .option('--post-logout-uri <uri>', 'where RP-initiated logout may return (repeatable)', collect, [])
    .requiredOption('--purpose <text>', 'why the world asks for these claims (shown on the consent page)')
    .option(
      '--claim <claim>',
      'a claim the world requires (repeatable): age_over_13/16/18/21, handle, trust_level, occupation, residence_country',
      collect,
      [],
    )
    .option('--optional-claim <claim>', 'a claim the person may untick (repeatable)', collect, [])
    .option('--rule <category=text>', 'a published community rule (repeatable)', collect, [])
    .option('--rules-file <file>', 'a JSON array of {category, text} community rules')
    .option('--logo-uri <uri>', "the world's logo")
    .option('--policy-uri <uri>', "the world's privacy policy")
    .option('--tos-uri <uri>', "the world's terms of service")
    .option('--jwks-file <file>', "the world's public JWKS: it authenticates with private_key_jwt (preferred)")
    .option('--secret-post', 'send the client secret in the body (client_secret_post) instead of HTTP Basic')
    .option('--pseudonyms <kind>', 'which pseudonym the world knows its users by, and moderation names them by: oidc (default) or blind')
    .action(async (options: AddOptions) => {
      if (options.redirectUri.length === 0) throw new UsageError('name at least one --redirect-uri');
      const input: NewWorld = {
        name: options.name,
        redirectUris: options.redirectUri,
        postLogoutRedirectUris: options.postLogoutUri,
        purpose: options.purpose,
        claims: claimsOf(options.claim, options.optionalClaim),
        rules: rulesOf(io, options),
        ...(options.logoUri ? { logoUri: options.logoUri } : {}),
        ...(options.policyUri ? { policyUri: options.policyUri } : {}),
        ...(options.tosUri ? { tosUri: options.tosUri } : {}),
        ...(options.pseudonyms === undefined ? {} : { pseudonyms: pseudonymKindOf(options.pseudonyms) }),
      };
      if (options.jwksFile) input.jwks = readJsonFile(io, options.jwksFile, 'JWKS file') as JsonWebKeySet;
      else if (options.secretPost) input.authMethod = 'client_secret_post';
      await withWorlds(io, async (registry, issuer) => {
        const registered = await registry.add(input);
        io.out(`issuer        ${issuer}`);
        io.out(`client_id     ${registered.clientId}`);
        io.out(`auth method   ${registered.world.authMethod}`);
        io.out(`pseudonyms    ${registered.world.pseudonyms}`);
        if (registered.clientSecret) io.out(`client_secret ${registered.clientSecret}   (shown once; mvid keeps only its hash)`);
      });
    });

  worlds
    .command('list')
    .description('list registered worlds')
    .action(async () => {
      await withWorlds(io, async (registry) => {
        for (const w of await registry.list()) {
          io.out(
            `${w.id}  ${w.name}  ${w.disabledAt ? 'disabled' : 'enabled'}  pseudonyms=${w.pseudonyms}  claims=${w.claims.map((c) => `${c.name}${c.required ? '' : '?'}`).join(',') || '-'}`,
          );
        }
      });
    });

  worlds
    .command('pseudonyms <clientId> <kind>')
    .description('set which pseudonym a world knows its users by, and moderation names them by: oidc or blind')
    .action(async (clientId: string, kind: string) => {
      const pseudonyms = pseudonymKindOf(kind);
      await withWorlds(io, async (registry) => {
        const { world, previous } = await registry.setPseudonyms(clientId, pseudonyms);
        io.out(
          previous === world.pseudonyms
            ? `${world.id} (${world.name}) already uses ${world.pseudonyms} pseudonyms`
            : `${world.id} (${world.name}): pseudonyms ${previous} → ${world.pseudonyms}`,
        );
      });
    });

  worlds
    .command('disable <clientId>')
    .description('stop a world from signing anyone in')
    .action(async (clientId: string) => {
      await withWorlds(io, async (registry) => {
        await registry.require(clientId);
        const world = await registry.disable(clientId);
        io.out(`disabled ${world.id} (${world.name})`);
      });
    });
}
