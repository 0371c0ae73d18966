/**
 * A living system for development: on `mvid serve` in development mode (`demoSeed`, the
 * default there) an empty data dir gets the example world of `examples/world`, a demo
 * trustee set (3 of 5), a demo authority and an administrator token, so that enrolment,
 * sign-in and lawful disclosure work at once. Every secret this writes sits in the clear
 * under `<dataDir>/demo-only/` — which is why production mode seeds nothing and refuses to
 * start while demo material is present (`demo_material_refused`).
 *
 * Re-runnable: each step looks for what an earlier (possibly interrupted) run left and
 * only does what is missing; a trustee set is published only once every share is on disk.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { MvidError } from '../core/index.ts';
import { type DisclosureService, newAuthorityKey } from '../disclosure/index.ts';
import { type Registry, runDkg } from '../registry/index.ts';
import type { WorldsService } from '../worlds/index.ts';

/** The folder (inside the data dir) holding demo secrets in the clear. */
export const DEMO_DIR_NAME = 'demo-only';
/** Demo trustees: names that say what they are (production refuses a set made of them). */
export const DEMO_TRUSTEES = ['demo-alice', 'demo-bob', 'demo-carol', 'demo-dave', 'demo-erin'] as const;
export const DEMO_THRESHOLD = 3;
export const EXAMPLE_WORLD_NAME = 'Example World';
/** Where examples/world listens by default; its redirect URI and its log use this host. */
export const EXAMPLE_WORLD_URL = 'http://localhost:3000';
export const DEMO_AUTHORITY_NAME = 'Demo Police (development only)';
/** Cheap share-file encryption: these passphrases are printed in the clear anyway. */
const DEMO_SCRYPT = { logN: 14, r: 8, p: 1 };

/** What a seeded data dir holds under `demo-only/`, as `mvid demo --url` reads it. */
export interface DemoMaterial {
  dir: string;
  adminToken: string;
  trustees: { trusteeSetId: string; passphrases: Record<string, string>; shareFiles: Record<string, string> };
  exampleWorld?: { issuer: string; clientId: string; clientSecret: string; redirectUri: string };
  /** `secretKey` is the authority's decryption key, base64url. */
  authority?: { id: string; name: string; token: string; secretKey: string };
}

export interface SeedResult {
  dir: string;
  /** What this start created (empty when everything was there already). */
  created: string[];
  warnings: string[];
}

export const demoDirOf = (dataDir: string): string => join(dataDir, DEMO_DIR_NAME);

const isDemoTrustee = (id: string): boolean => id.startsWith('demo-');

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

const README = `DEMO ONLY — NOT FOR PRODUCTION

mvid wrote these files when it started in development mode on an empty data dir.
They hold, in the clear: an administrator token, every share of the demo trustee
set with its passphrase, the example world's client secret and the demo authority's
token and decryption key. Anyone who can read this folder can open every identity
envelope sealed to the demo trustee set. mvid in production mode refuses to start
while this folder exists or the demo trustee set is active.
`;

export interface SeedDeps {
  config: Config;
  registry: Registry;
  worlds: WorldsService;
  disclosure: DisclosureService;
  logger: Logger;
}

async function seedTrustees(deps: SeedDeps, dir: string, result: SeedResult): Promise<void> {
  const active = await deps.registry.trusteeSets.active();
  if (active) {
    if (!active.trustees.every((t) => isDemoTrustee(t.id)))
      result.warnings.push(`trustee set ${active.id} is not the demo set; the demo story cannot approve with it`);
    return;
  }
  // No active set: shares left by an interrupted run were never published, so they open nothing.
  for (const name of readdirSync(dir)) if (name.startsWith('share-')) rmSync(join(dir, name));
  const passphrases = new Map(DEMO_TRUSTEES.map((t) => [t, `${t} passphrase (demo only, not secret)`]));
  // A dealerless key generation, each demo trustee's client run here through the ceremony service: no dealer, even in a demo.
  const { ceremony, tokens } = await deps.registry.dkg.create({ threshold: DEMO_THRESHOLD, trustees: [...DEMO_TRUSTEES] });
  const ran = await Promise.all(
    tokens.map((t) =>
      runDkg({
        ceremonyId: ceremony.id,
        call: deps.registry.dkg.localCall(ceremony.id, t.token),
        passphrase: passphrases.get(t.trusteeId as (typeof DEMO_TRUSTEES)[number]) as string,
        scrypt: DEMO_SCRYPT,
        pollMs: 10,
      }),
    ),
  );
  const trusteeSet = (ran[0] as (typeof ran)[number]).trusteeSet;
  const files: Record<string, string> = {};
  for (const { trusteeIndex, shareFile } of ran) {
    const trusteeId = DEMO_TRUSTEES[trusteeIndex - 1] as string;
    files[trusteeId] = `share-${trusteeId}.json`;
    writeJson(join(dir, files[trusteeId]), shareFile);
  }
  writeJson(join(dir, 'trustees.json'), { trusteeSetId: trusteeSet.id, passphrases: Object.fromEntries(passphrases), shareFiles: files });
  result.created.push(`trustee set ${trusteeSet.id} (${DEMO_THRESHOLD} of ${DEMO_TRUSTEES.length}: ${DEMO_TRUSTEES.join(', ')})`);
}

/**
 * Epoch keys the demo makes: the one enrolments need today (a ceremony costs seconds at
 * start-up). Every start tops up, so a development server restarted in a later month
 * makes that month's key then.
 */
export const DEMO_EPOCHS = 1;

/**
 * The retention-epoch keys of the demo set, by the same dealerless ceremony the trustees
 * would run (`mvid trustees epochs-open` + `mvid trustee dkg`): one batch for the epochs
 * enrolments need from now on. Each demo trustee's epoch shares go to `epochs-<name>/`.
 */
async function seedEpochs(deps: SeedDeps, dir: string, result: SeedResult): Promise<void> {
  const set = await deps.registry.trusteeSets.active();
  if (!set?.trustees.every((t) => isDemoTrustee(t.id))) return;
  const have = new Set((await deps.registry.epochs.list(set.id)).map((e) => e.startsAt));
  const missing = deps.registry.epochs.upcoming(DEMO_EPOCHS).filter((w) => !have.has(w.startsAt));
  if (missing.length === 0) return;
  const material = readJson<DemoMaterial['trustees']>(join(dir, 'trustees.json'));
  const { ceremony, tokens } = await deps.registry.dkg.createEpochs({ epochs: missing.map((w) => w.epoch) });
  // Every trustee in every ceremony of the batch at once (a trustee's `mvid trustee dkg` runs them one after the other).
  const runs = ceremony.batch.flatMap((ceremonyId, k) =>
    tokens.map(async (t) => ({
      trusteeId: t.trusteeId,
      epoch: missing[k] as (typeof missing)[number],
      result: await runDkg({
        ceremonyId,
        call: deps.registry.dkg.localCall(ceremony.id, t.token),
        passphrase: material?.passphrases[t.trusteeId] ?? `${t.trusteeId} passphrase (demo only, not secret)`,
        scrypt: DEMO_SCRYPT,
        pollMs: 10,
      }),
    })),
  );
  for (const { trusteeId, epoch, result } of await Promise.all(runs)) {
    const folder = join(dir, `epochs-${trusteeId}`);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeJson(join(folder, `share-epoch-${epoch.epoch}.json`), result.shareFile);
  }
  result.created.push(`epoch keys ${missing.map((w) => w.epoch).join(', ')} of trustee set ${set.id} (dealerless, one ceremony each)`);
}

async function seedExampleWorld(deps: SeedDeps, dir: string, result: SeedResult): Promise<void> {
  const path = join(dir, 'example-world.json');
  if (existsSync(path)) return;
  const existing = (await deps.worlds.registry.list()).find((w) => w.name === EXAMPLE_WORLD_NAME);
  if (existing) {
    result.warnings.push(`${EXAMPLE_WORLD_NAME} (${existing.id}) is registered but its secret is not in ${dir}; register another world`);
    return;
  }
  const redirectUri = `${EXAMPLE_WORLD_URL}/callback`;
  const registered = await deps.worlds.registry.add({
    name: EXAMPLE_WORLD_NAME,
    redirectUris: [redirectUri],
    purpose: 'Adult areas need age_over_18; your handle is shown to other players.',
    rules: [{ category: 'harassment', text: 'Be kind to other players.' }],
    claims: [
      { name: 'age_over_18', required: true },
      { name: 'handle', required: false },
    ],
  });
  writeJson(path, {
    issuer: `${deps.config.publicUrl}/oidc`,
    clientId: registered.clientId,
    clientSecret: registered.clientSecret,
    redirectUri,
  });
  result.created.push(`world ${EXAMPLE_WORLD_NAME} (${registered.clientId}) for ${EXAMPLE_WORLD_URL}`);
}

async function seedAuthority(deps: SeedDeps, dir: string, result: SeedResult): Promise<void> {
  const path = join(dir, 'authority.json');
  if (existsSync(path)) return;
  if ((await deps.disclosure.authorities.list()).some((a) => a.name === DEMO_AUTHORITY_NAME)) {
    result.warnings.push(`${DEMO_AUTHORITY_NAME} is registered but its token is not in ${dir}`);
    return;
  }
  const key = newAuthorityKey();
  const { authority, token } = await deps.disclosure.authorities.add({
    name: DEMO_AUTHORITY_NAME,
    jurisdiction: 'DE-BE',
    contact: 'demo-police@example.org',
    encryptionKey: key.publicKey,
  });
  writeJson(path, { id: authority.id, name: authority.name, token, secretKey: key.secretKey });
  result.created.push(`authority ${authority.name} (${authority.id})`);
}

async function seedAdminToken(deps: SeedDeps, dir: string, result: SeedResult): Promise<void> {
  const path = join(dir, 'admin-token');
  if (existsSync(path)) return;
  const created = await deps.registry.adminTokens.create('demo - development only');
  writeFileSync(path, `${created.token}\n`, { mode: 0o600 });
  result.created.push(`administrator token "${created.name}"`);
}

/**
 * Seeds what is missing (development mode with `demoSeed` only; else does nothing).
 * The development PID issuer is registered by the runtime itself in development mode.
 */
export async function seedDemo(deps: SeedDeps): Promise<SeedResult | undefined> {
  if (deps.config.mode !== 'development' || !deps.config.demoSeed) return undefined;
  const dir = demoDirOf(deps.config.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'README.txt'), README);
  const result: SeedResult = { dir, created: [], warnings: [] };
  await seedAdminToken(deps, dir, result);
  await seedTrustees(deps, dir, result);
  await seedEpochs(deps, dir, result);
  await seedExampleWorld(deps, dir, result);
  await seedAuthority(deps, dir, result);
  for (const what of result.created) deps.logger.info({ what }, 'demo seed');
  return result;
}

/**
 * Production refuses demo material: the `demo-only/` folder in the data dir, or an active
 * trustee set of demo trustees (whose shares lie in the clear somewhere).
 * @throws MvidError demo_material_refused
 */
export async function refuseDemoMaterial(config: Config, registry: Registry): Promise<void> {
  if (config.mode !== 'production') return;
  const dir = demoDirOf(config.dataDir);
  if (existsSync(dir)) {
    throw new MvidError('demo_material_refused', `production mode refuses to start with demo material in ${dir}; use a fresh data dir`);
  }
  const active = await registry.trusteeSets.active();
  if (active?.trustees.some((t) => isDemoTrustee(t.id))) {
    throw new MvidError(
      'demo_material_refused',
      `production mode refuses the demo trustee set ${active.id}: run the key ceremony (mvid trustees init --replace)`,
    );
  }
}

/** Reads what the seed left in `dataDir` (for `mvid demo --url`). @throws MvidError not_found */
export function readDemoMaterial(dataDir: string): DemoMaterial {
  const dir = demoDirOf(dataDir);
  const tokenPath = join(dir, 'admin-token');
  const trustees = readJson<DemoMaterial['trustees']>(join(dir, 'trustees.json'));
  if (!existsSync(tokenPath) || !trustees) {
    throw new MvidError('not_found', `no demo material in ${dir}: start that server once in development mode (npm start)`);
  }
  const exampleWorld = readJson<NonNullable<DemoMaterial['exampleWorld']>>(join(dir, 'example-world.json'));
  const authority = readJson<NonNullable<DemoMaterial['authority']>>(join(dir, 'authority.json'));
  return {
    dir,
    adminToken: readFileSync(tokenPath, 'utf8').trim(),
    trustees,
    ...(exampleWorld ? { exampleWorld } : {}),
    ...(authority ? { authority } : {}),
  };
}
