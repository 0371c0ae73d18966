/**
 * What a copy of the database reveals: after enrolments (and a recovery), the whole
 * database — SQLite's file and WAL bytes, PostgreSQL's pg_dump (or every column of every
 * table as text) — holds none of the persons' names, birthdates, national numbers,
 * document numbers or contact data in clear, nor in base64/base64url/hex, and no key
 * material from the key directory.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { sql } from 'kysely';
import { fromBase64Url } from '../src/core/index.ts';
import { keyDirOf } from '../src/keys/index.ts';
import type { PidClaims } from '../src/registry/index.ts';
import { ENGINES } from './support/engines.ts';
import { devKeyOf, presentation, publishTrustees } from './support/registry-http.ts';
import { startTestRuntime, type TestRuntime } from './support/runtime.ts';

/** Distinctive values (long enough that no random ciphertext contains their encodings by chance). */
const PEOPLE: PidClaims[] = [
  {
    given_name: 'Zephyrine-Aurelie',
    family_name: 'Quaglioni-Wrexham',
    birthdate: '1987-04-23',
    birth_place: 'Saint-Malo-de-Guersac',
    nationalities: ['FR'],
    unique_id: '2870435123456',
    unique_id_namespace: 'FR:nir',
    document_number: '19AZ84731PQ',
    address: { street_address: '17 rue des Cordonniers', locality: 'Rennes-sur-Vilaine', postal_code: '35000', country: 'FR' },
    email: 'zephyrine.quaglioni@example.org',
    phone_number: '+33 6 12 34 56 78',
  },
  {
    given_name: 'Bartholomew',
    family_name: 'Oyelaran-Fitzgerald',
    birthdate: '1975-11-02',
    nationalities: ['IE', 'NG'],
    unique_id: 'PPS9873456WA',
    unique_id_namespace: 'IE:pps',
    document_number: 'PX77312098',
    email: 'bartholomew.oyelaran@example.net',
  },
];

/** The needle's encodings as they would appear inside a longer base64/base64url/hex blob, at every alignment. */
function encodings(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const out = [text, bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    const end = Math.floor(padded.length / 3) * 4;
    const start = shift === 0 ? 0 : 4;
    out.push(padded.toString('base64').slice(start, end), padded.toString('base64url').slice(start, end));
  }
  return out.filter((e) => e.length >= 8);
}

function identityNeedles(): Array<{ what: string; value: string }> {
  const out: Array<{ what: string; value: string }> = [];
  for (const p of PEOPLE) {
    for (const [what, value] of Object.entries({
      given_name: p.given_name,
      family_name: p.family_name,
      birthdate: p.birthdate,
      birth_place: p.birth_place,
      unique_id: p.unique_id,
      document_number: p.document_number,
      street: p.address?.street_address,
      locality: p.address?.locality,
      email: p.email,
    })) {
      if (value !== undefined) out.push({ what, value });
    }
  }
  return out;
}

/** Every secret in the key directory: 32-byte secret files and private JWK members. */
function keyMaterial(keyDir: string): Array<{ what: string; bytes: Buffer }> {
  const out: Array<{ what: string; bytes: Buffer }> = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.jwk'))
        out.push({ what: entry.name, bytes: Buffer.from(fromBase64Url((JSON.parse(readFileSync(path, 'utf8')) as { d: string }).d)) });
      else out.push({ what: entry.name, bytes: Buffer.from(fromBase64Url(readFileSync(path, 'utf8').trim())) });
    }
  };
  visit(keyDir);
  return out;
}

function postgresBinary(name: string): string | undefined {
  try {
    const bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(bindir, name))) return join(bindir, name);
  } catch {}
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/${name}`)) return `/usr/lib/postgresql/${v}/bin/${name}`;
  return undefined;
}

/** Every byte the database holds, as the engine stores or dumps it. */
async function databaseBytes(rt: TestRuntime): Promise<Buffer> {
  const location = rt.database.location;
  if (location.engine === 'sqlite') {
    const files = [location.path, `${location.path}-wal`, `${location.path}-shm`].filter((p) => existsSync(p));
    assert.ok(files.length >= 2, 'the database file and its WAL are read');
    return Buffer.concat(files.map((f) => readFileSync(f)));
  }
  const pgDump = postgresBinary('pg_dump');
  if (pgDump !== undefined) {
    try {
      return execFileSync(pgDump, ['--no-owner', '--data-only', location.url], { maxBuffer: 256 * 1024 * 1024 });
    } catch {
      // A pg_dump older than the server refuses to run: fall through to reading every column.
    }
  }
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(
    rt.store.db,
  );
  const parts: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table_name)}`.execute(rt.store.db);
    for (const row of rows.rows)
      for (const value of Object.values(row)) parts.push(value instanceof Uint8Array ? Buffer.from(value).toString('hex') : String(value));
  }
  return Buffer.from(parts.join('\n'), 'utf8');
}

it('the scanner finds a needle hidden in base64, base64url or hex at any alignment', () => {
  for (let prefix = 0; prefix < 3; prefix++) {
    const blob = Buffer.concat([Buffer.alloc(prefix, 7), Buffer.from('Quaglioni-Wrexham'), Buffer.alloc(5, 9)]);
    for (const encoded of [blob.toString('base64'), blob.toString('base64url'), blob.toString('hex')]) {
      assert.ok(
        encodings('Quaglioni-Wrexham').some((form) => encoded.includes(form)),
        `prefix ${prefix}: ${encoded}`,
      );
    }
  }
});

for (const engine of ENGINES) {
  it(`a copy of the ${engine} database holds no legal identity and no key material`, async () => {
    const rt = await startTestRuntime(engine);
    try {
      await publishTrustees(rt);
      const key = devKeyOf(rt);
      for (const person of PEOPLE) {
        const { presentation: p } = await presentation(rt, key, person);
        assert.equal(
          (await rt.app.inject({ method: 'POST', url: '/registry/v1/enrolments', payload: { presentation: p } })).statusCode,
          201,
        );
      }
      const again = await presentation(rt, key, PEOPLE[0] as PidClaims);
      assert.equal(
        (await rt.app.inject({ method: 'POST', url: '/registry/v1/recoveries', payload: { presentation: again.presentation } })).statusCode,
        200,
      );

      const bytes = await databaseBytes(rt);
      assert.ok(bytes.length > 10_000, `read ${bytes.length} bytes`);
      const text = bytes.toString('latin1');
      // Sanity: the scan sees what is there (envelopes exist, the escrow key is public).
      const set = await rt.registry.trusteeSets.active();
      assert.ok(text.includes(set?.escrowPublicKey as string), 'the scan reads the stored data');
      for (const { what, value } of identityNeedles()) {
        for (const form of encodings(value)) assert.ok(!text.includes(form), `${what} ${value} found in the database as ${form}`);
      }
      for (const { what, bytes: secret } of keyMaterial(keyDirOf(rt.config.dataDir))) {
        assert.equal(bytes.indexOf(secret), -1, `${what} found raw in the database`);
        for (const form of [secret.toString('base64url'), secret.toString('base64'), secret.toString('hex')]) {
          assert.ok(!text.includes(form.slice(0, 40)), `${what} found encoded in the database`);
        }
      }
    } finally {
      await rt.stop();
    }
  });
}
