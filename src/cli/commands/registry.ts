/**
 * Registry commands: `issuers add|list|disable`, `dev pid|present` (development mode
 * only), `sweep`, and `admin token create|list|revoke`. The trustee ceremony lives in
 * registry-trustees.ts.
 */
import type { JsonWebKey } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.ts';
import { MvidError, systemClock } from '../../core/index.ts';
import { keyDirOf } from '../../keys/index.ts';
import {
  generateHolderKey,
  issueDevPid,
  loadDevIssuerKey,
  type PidClaims,
  presentPid,
  publicHolderJwk,
  validatePidClaims,
} from '../../registry/index.ts';
import { createLogger, startRuntime, sweepAll, sweepSummary } from '../../server/index.ts';
import { type CliIo, UsageError } from '../io.ts';
import { collect, readJsonFile, withRegistry } from './registry-context.ts';
import { registerTrusteeCommands } from './registry-trustees.ts';

interface IssuerOptions {
  name: string;
  iss: string;
  jwksFile: string;
  namespace: string[];
  claim?: string[];
  vct?: string[];
}

function registerIssuerCommands(program: Command, io: CliIo): void {
  const issuers = program.command('issuers').description('proofing issuers whose PIDs mvid accepts for enrolment');
  issuers
    .command('add')
    .description('register a proofing issuer with its public JWKS')
    .requiredOption('--name <name>', 'a short name')
    .requiredOption('--iss <iss>', 'the `iss` its PIDs carry')
    .requiredOption('--jwks-file <file>', 'its public JSON Web Key Set')
    .option('--namespace <ns>', 'an identifier namespace it may attest, e.g. FR:nir, or * for any (repeatable, at least one)', collect, [])
    .option('--claim <claim>', 'a PID claim it attests (repeatable; default: all)', collect)
    .option('--vct <vct>', 'an accepted credential type (repeatable; default urn:eudi:pid:1)', collect)
    .action(async (options: IssuerOptions) => {
      if (options.namespace.length === 0) throw new UsageError('name at least one --namespace (use * to allow any)');
      const jwks = readJsonFile(io, options.jwksFile, 'JWKS file') as { keys: unknown[] };
      await withRegistry(io, async ({ registry }) => {
        const issuer = await registry.issuers.add({
          name: options.name,
          iss: options.iss,
          jwks,
          namespaces: options.namespace,
          ...(options.claim ? { claims: options.claim } : {}),
          ...(options.vct ? { vcts: options.vct } : {}),
        });
        io.out(
          `registered issuer ${issuer.name} (${issuer.id}) for ${issuer.iss}: ${issuer.jwks.keys.length} key(s), namespaces ${issuer.namespaces.join(', ')}`,
        );
      });
    });
  issuers
    .command('list')
    .description('list registered issuers as JSON')
    .action(() => withRegistry(io, async ({ registry }) => io.out(JSON.stringify(await registry.issuers.list(), null, 2))));
  issuers
    .command('disable')
    .description('refuse PIDs from an issuer from now on')
    .requiredOption('--id <id>', 'the issuer id')
    .action((options: { id: string }) =>
      withRegistry(io, async ({ registry }) => {
        const issuer = await registry.issuers.disable(options.id);
        io.out(`disabled issuer ${issuer.name} (${issuer.id})`);
      }),
    );
}

interface DevPidOptions {
  givenName: string;
  familyName: string;
  birthdate: string;
  uniqueId: string;
  namespace: string;
  nationality: string[];
  birthPlace?: string;
  documentNumber?: string;
  email?: string;
  phone?: string;
  street?: string;
  locality?: string;
  postalCode?: string;
  country?: string;
  holderKey?: string;
  validityDays: string;
}

function claimsFrom(o: DevPidOptions): PidClaims {
  const address = Object.fromEntries(
    Object.entries({ street_address: o.street, locality: o.locality, postal_code: o.postalCode, country: o.country }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  const claims: Record<string, unknown> = {
    given_name: o.givenName,
    family_name: o.familyName,
    birthdate: o.birthdate,
    nationalities: o.nationality.length > 0 ? o.nationality : ['XX'],
    unique_id: o.uniqueId,
    unique_id_namespace: o.namespace,
    birth_place: o.birthPlace,
    document_number: o.documentNumber,
    email: o.email,
    phone_number: o.phone,
    address: Object.keys(address).length > 0 ? address : undefined,
  };
  for (const key of Object.keys(claims)) if (claims[key] === undefined) delete claims[key];
  return claims as PidClaims;
}

async function devPid(io: CliIo, options: DevPidOptions): Promise<void> {
  const config = loadConfig({ env: io.env, cwd: io.cwd });
  if (config.mode !== 'development') loadDevIssuerKey(keyDirOf(config.dataDir), config.mode);
  // The deployment's key (the key directory's, or sealed in the database under the KEK).
  const key = await withRegistry(io, async (ctx) => ctx.devIssuerKey ?? loadDevIssuerKey(ctx.keyDir, config.mode));
  const claims = claimsFrom(options);
  try {
    validatePidClaims(claims as unknown as Record<string, unknown>, systemClock.now());
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let holder: { publicJwk: JsonWebKey; privateJwk?: JsonWebKey };
  if (options.holderKey === undefined) holder = generateHolderKey();
  else {
    const jwk = readJsonFile(io, options.holderKey, 'holder key') as JsonWebKey;
    holder = { publicJwk: publicHolderJwk({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }) };
  }
  const validityDays = Number(options.validityDays);
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > 3650) throw new UsageError('--validity-days must be 1..3650');
  const credential = await issueDevPid(key, claims, holder.publicJwk, { now: systemClock.now(), validityDays });
  const output = { credential, ...(options.holderKey === undefined ? { holderKey: holder.privateJwk } : {}) };
  io.out(JSON.stringify(output, null, 2));
}

function registerDevCommands(program: Command, io: CliIo): void {
  const dev = program.command('dev').description('development tools (refused unless MVID_MODE=development)');
  dev
    .command('pid')
    .description('print a PID signed by the development issuer (key-bound to --holder-key, or to a fresh key printed with it)')
    .requiredOption('--given-name <name>', 'given name')
    .option('--family-name <name>', 'family name', 'Doe')
    .requiredOption('--birthdate <YYYY-MM-DD>', 'date of birth')
    .requiredOption('--unique-id <id>', 'the unique identifier (e.g. national number)')
    .option('--namespace <ns>', 'the identifier namespace', 'XX:dev')
    .option('--nationality <CC>', 'ISO 3166-1 alpha-2 nationality (repeatable)', collect, [])
    .option('--birth-place <place>', 'place of birth')
    .option('--document-number <n>', 'identity document number')
    .option('--email <email>', 'e-mail address')
    .option('--phone <phone>', 'phone number')
    .option('--street <street>', 'street address')
    .option('--locality <city>', 'city')
    .option('--postal-code <code>', 'postal code')
    .option('--country <CC>', 'country of residence (ISO alpha-2)')
    .option('--holder-key <file>', 'bind to this holder JWK (its public part is used)')
    .option('--validity-days <n>', 'validity of the PID', '30')
    .action((options: DevPidOptions) => devPid(io, options));
  dev
    .command('present')
    .description('the wallet side: add a key-binding JWT over a nonce to a PID (for demos with curl)')
    .requiredOption('--credential <file>', 'JSON output of `mvid dev pid` (or a file holding {"credential": …})')
    .requiredOption('--nonce <nonce>', 'from POST /registry/v1/nonces')
    .option('--holder-key <file>', 'the private holder JWK (default: holderKey in the credential file)')
    .option('--audience <url>', 'the mvid the presentation is for (default: MVID_PUBLIC_URL, else http://MVID_HOST:MVID_PORT)')
    .action(async (options: { credential: string; nonce: string; holderKey?: string; audience?: string }) => {
      const config = loadConfig({ env: io.env, cwd: io.cwd });
      if (config.mode !== 'development') throw new MvidError('dev_issuer_disabled', 'dev tools are only available in development mode');
      const doc = readJsonFile(io, options.credential, 'credential file') as { credential?: string; holderKey?: JsonWebKey };
      const holder = options.holderKey === undefined ? doc.holderKey : (readJsonFile(io, options.holderKey, 'holder key') as JsonWebKey);
      if (typeof doc.credential !== 'string' || holder === undefined) throw new UsageError('need a credential and a private holder key');
      const audience = (options.audience ?? config.publicUrl).replace(/\/+$/, '');
      io.out(await presentPid(doc.credential, holder, { nonce: options.nonce, audience, now: systemClock.now() }));
    });
}

function registerAdminCommands(program: Command, io: CliIo): void {
  const token = program.command('admin').description('administration').command('token').description('administrator API tokens');
  token
    .command('create')
    .description('create an administrator token; it is printed once and stored only as a hash')
    .requiredOption('--name <name>', 'who or what the token is for')
    .action((options: { name: string }) =>
      withRegistry(io, async ({ registry }) => {
        const created = await registry.adminTokens.create(options.name);
        io.out(created.token);
        io.err(`mvid: admin token "${created.name}" (${created.id}) created; store it now, it is not shown again`);
      }),
    );
  token
    .command('list')
    .description('list administrator tokens (never the tokens themselves)')
    .action(() => withRegistry(io, async ({ registry }) => io.out(JSON.stringify(await registry.adminTokens.list(), null, 2))));
  token
    .command('revoke')
    .description('revoke administrator tokens by name or id')
    .requiredOption('--name <nameOrId>', 'the token name or id')
    .action((options: { name: string }) =>
      withRegistry(io, async ({ registry }) => io.out(`revoked ${await registry.adminTokens.revoke(options.name)} token(s)`)),
    );
}

export function registerRegistryCommands(program: Command, io: CliIo): void {
  registerIssuerCommands(program, io);
  registerTrusteeCommands(program, io);
  registerDevCommands(program, io);
  program
    .command('sweep')
    .description(
      'run every sweeper once: retention of escrow data (logged), expiry of disclosure requests (logged), and of sessions, nonces, sign-in state and credential records',
    )
    .action(async () => {
      const config = loadConfig({ env: io.env, cwd: io.cwd });
      const rt = await startRuntime(config, { background: false, createKeys: false, logger: createLogger('warn') });
      try {
        for (const line of sweepSummary(await sweepAll(rt))) io.out(line);
      } finally {
        await rt.close();
      }
    });
  registerAdminCommands(program, io);
}
