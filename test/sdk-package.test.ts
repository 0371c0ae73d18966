/**
 * `@mvid/sdk` (packages/sdk) as a world gets it: `npm pack` builds the JavaScript and type
 * declarations from src/sdk into a tarball; installed into an empty project (offline, jose
 * from this checkout) it is used from plain JavaScript — under the oldest Node on the
 * machine, so no Node-24-only syntax slips in — and type-checks from TypeScript.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from './support/engines.ts';

const SDK_DIR = join(REPO_ROOT, 'packages', 'sdk');
/** Debian's Node (older than the Node 24 mvid runs on) when installed. */
const OLD_NODE = existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath;

const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH}`, npm_config_update_notifier: 'false' },
  });

describe('@mvid/sdk, packed and installed', () => {
  let dir: string;
  let world: string;
  let files: string[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mvid-sdk-pack-'));
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], SDK_DIR)) as Array<{
      filename: string;
      files: { path: string }[];
    }>;
    files = packed[0]?.files.map((f) => f.path) ?? [];
    // Its dependencies, packed from this repository's own install (the world installs offline).
    const dependencies = Object.keys(
      (JSON.parse(readFileSync(join(SDK_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
    );
    const tarballs = dependencies.map((name) => {
      const [packedDependency] = JSON.parse(
        npm(['pack', '--json', join(REPO_ROOT, 'node_modules', name), '--pack-destination', dir], dir),
      ) as Array<{ filename: string }>;
      return join(dir, packedDependency?.filename as string);
    });
    world = join(dir, 'world');
    mkdirSync(world);
    writeFileSync(join(world, 'package.json'), JSON.stringify({ name: 'a-world', private: true, type: 'module' }));
    npm(
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, packed[0]?.filename as string), ...tarballs],
      world,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the tarball holds JavaScript, declarations, README and package.json — no sources, no tests', () => {
    assert.ok(files.includes('dist/sdk/index.js') && files.includes('dist/sdk/index.d.ts'), files.join(' '));
    assert.ok(files.includes('README.md') && files.includes('package.json'));
    assert.deepEqual(
      files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
      [],
    );
    assert.deepEqual(
      files.filter((f) => f.includes('.test.')),
      [],
    );
  });

  it(`verifies an ID token from plain JavaScript on ${OLD_NODE === process.execPath ? 'this Node' : 'the system Node'}`, () => {
    writeFileSync(
      join(world, 'check.js'),
      `import { verifyWorldIdToken, tryVerifyWorldIdToken, isPresentationError, PresentationError } from '@mvid/sdk';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'k1' }] });
const issuer = 'https://id.example/oidc';
const token = await new SignJWT({ nonce: 'n-1', handle: 'Ada', age_over_18: true })
  .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setAudience('w_1').setSubject('pseudonym-1')
  .setIssuedAt().setExpirationTime('5m').sign(privateKey);
const who = await verifyWorldIdToken(token, { issuer, clientId: 'w_1', jwks, nonce: 'n-1' });
const wrongNonce = await tryVerifyWorldIdToken(token, { issuer, clientId: 'w_1', jwks, nonce: 'n-2' });
const otherWorld = await tryVerifyWorldIdToken(token, { issuer, clientId: 'w_2', jwks });
const error = new PresentationError('kb_invalid', 'x');
console.log(JSON.stringify({ sub: who.sub, claims: who.claims, wrongNonce: wrongNonce ?? null, otherWorld: otherWorld ?? null, code: isPresentationError(error) && error.code, node: process.version }));
`,
    );
    const run = spawnSync(OLD_NODE, ['check.js'], { cwd: world, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.deepEqual(
      { ...out, node: undefined },
      {
        sub: 'pseudonym-1',
        claims: { age_over_18: true, handle: 'Ada' },
        wrongNonce: null,
        otherWorld: null,
        code: 'kb_invalid',
        node: undefined,
      },
    );
  });

  it(`verifies a blind sign-in presentation from plain JavaScript on ${OLD_NODE === process.execPath ? 'this Node' : 'the system Node'}`, () => {
    writeFileSync(
      join(world, 'blind.js'),
      `import { generateBbsKeyPair, issueBlindCredential, presentBlind, verifyBlindPresentation, blindEpoch } from '@mvid/sdk';
const key = generateBbsKeyPair();
const publicKey = Buffer.from(key.publicKey).toString('base64url');
const now = new Date();
const attributes = { age_over_13: 'true', age_over_16: 'true', age_over_18: 'true', age_over_21: 'false', residence_country: 'FR' };
const credential = issueBlindCredential(key, 'https://id.example', blindEpoch(now).expires, attributes, 77n);
const presentation = presentBlind(credential, 'w_1', 'n-1', ['age_over_18']);
const options = { publicKey, issuer: 'https://id.example', worldId: 'w_1', nonce: 'n-1', now, require: ['age_over_18'] };
const seen = verifyBlindPresentation(presentation, options);
let replay = null;
try { verifyBlindPresentation(presentation, { ...options, nonce: 'n-2' }); } catch (e) { replay = e.code; }
console.log(JSON.stringify({ attributes: seen.attributes, pseudonym: seen.pseudonym.length, replay }));
`,
    );
    const run = spawnSync(OLD_NODE, ['blind.js'], { cwd: world, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { attributes: { age_over_18: 'true' }, pseudonym: 64, replay: 'blind_presentation_invalid' });
  });

  it('type-checks from TypeScript with the shipped declarations (and catches a misuse)', () => {
    writeFileSync(
      join(world, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
        },
        files: ['world.ts'],
      }),
    );
    const good = `import { mvidJwks, verifyWorldIdToken, type WorldIdentity } from '@mvid/sdk';
export async function signIn(idToken: string, nonce: string): Promise<string> {
  const issuer = 'https://id.example/oidc';
  const who: WorldIdentity = await verifyWorldIdToken(idToken, { issuer, clientId: 'w_1', jwks: mvidJwks(issuer), nonce });
  const adult: boolean | undefined = who.claims.age_over_18;
  return adult ? who.sub : '';
}
`;
    const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
    writeFileSync(join(world, 'world.ts'), good);
    const ok = spawnSync(tsc, ['-p', 'tsconfig.json'], { cwd: world, encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    writeFileSync(join(world, 'world.ts'), good.replace("clientId: 'w_1'", 'clientId: 1'));
    const bad = spawnSync(tsc, ['-p', 'tsconfig.json'], { cwd: world, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stdout, /world\.ts.*clientId|Type 'number' is not assignable to type 'string'/s);
  });
});
