import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { openBlobStore } from '../src/blobs/index.ts';
import { blobStoreConfigOf, loadConfig, storeLocationOf } from '../src/config/index.ts';

it('has working defaults: SQLite in ./data, port 8080', () => {
  const config = loadConfig({ env: {}, cwd: '/srv/mvid' });
  assert.equal(config.dataDir, '/srv/mvid/data');
  assert.equal(config.port, 8080);
  // localhost, not 127.0.0.1: Chromium refuses passkeys on an IP address ("invalid domain").
  assert.equal(config.publicUrl, 'http://localhost:8080');
  assert.deepEqual(storeLocationOf(config), { engine: 'sqlite', path: '/srv/mvid/data/mvid.sqlite' });
});

it('the default public URL names a non-loopback host as given', () => {
  assert.equal(loadConfig({ env: { MVID_HOST: '0.0.0.0' } }).publicUrl, 'http://localhost:8080');
  assert.equal(loadConfig({ env: { MVID_HOST: '10.1.2.3', MVID_PORT: '9000' } }).publicUrl, 'http://10.1.2.3:9000');
});

it('a postgres:// URL selects PostgreSQL', () => {
  const config = loadConfig({ env: { MVID_DATABASE_URL: 'postgres://u@db/mvid' } });
  assert.equal(storeLocationOf(config).engine, 'postgres');
});

it('names the variable of a bad value', () => {
  assert.throws(() => loadConfig({ env: { MVID_PORT: 'eighty' } }), /MVID_PORT \(port\).*eighty/);
  assert.throws(() => loadConfig({ env: { MVID_PORT: '70000' } }), /MVID_PORT/);
  assert.throws(() => loadConfig({ env: { MVID_DATABASE_URL: 'mysql://x' } }), /MVID_DATABASE_URL/);
  assert.throws(
    () => loadConfig({ env: { MVID_LOG_LEVEL: 'loud' } }),
    (e: { code?: string }) => e.code === 'config_invalid',
  );
});

it('reads a config file, with the environment winning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mvid-config-'));
  const file = join(dir, 'mvid.json');
  writeFileSync(file, JSON.stringify({ port: 9000, retentionDays: 30, publicUrl: 'https://id.example/' }));
  const config = loadConfig({ env: { MVID_CONFIG: file, MVID_PORT: '9001' } });
  assert.equal(config.port, 9001);
  assert.equal(config.retentionDays, 30);
  assert.equal(config.publicUrl, 'https://id.example');
  writeFileSync(file, JSON.stringify({ nonsense: true }));
  assert.throws(() => loadConfig({ env: { MVID_CONFIG: file } }), /nonsense/);
  writeFileSync(file, '{not json');
  assert.throws(() => loadConfig({ env: { MVID_CONFIG: file } }), /cannot read config file/);
});

it('bounds the lawful-disclosure clocks', () => {
  const config = loadConfig({ env: { MVID_DISCLOSURE_MAX_DELAY_DAYS: '60' } });
  assert.equal(config.disclosureMaxDelayDays, 60);
  assert.equal(config.disclosureRequestValidityDays, 30);
  assert.equal(config.disclosureEmergencyValidityHours, 48);
  assert.throws(() => loadConfig({ env: { MVID_DISCLOSURE_MAX_DELAY_DAYS: '9999' } }), /MVID_DISCLOSURE_MAX_DELAY_DAYS/);
});

it('seeds demo material in development only: on by default there, off in production, refused when asked for in production', () => {
  assert.equal(loadConfig({ env: {} }).demoSeed, true);
  assert.equal(loadConfig({ env: { MVID_DEMO_SEED: 'false' } }).demoSeed, false);
  assert.equal(loadConfig({ env: { MVID_MODE: 'production' } }).demoSeed, false);
  assert.throws(() => loadConfig({ env: { MVID_MODE: 'production', MVID_DEMO_SEED: 'true' } }), {
    code: 'config_invalid',
    message: /MVID_DEMO_SEED \(demoSeed\): production mode never seeds/,
  });
  assert.throws(() => loadConfig({ env: { MVID_DEMO_SEED: 'yes' } }), { code: 'config_invalid' });
});

it('docs/operating.md carries the configuration reference generated from the schema (npm run docs:config)', async () => {
  const { OPERATING_DOC, withCurrentReference } = await import('../scripts/config-doc.ts');
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(OPERATING_DOC, 'utf8');
  assert.equal(withCurrentReference(doc), doc, 'run npm run docs:config');
  for (const env of ['MVID_DATA_DIR', 'MVID_DEMO_SEED', 'MVID_LOG_WITNESSES', 'MVID_SHUTDOWN_GRACE_SECONDS'])
    assert.ok(doc.includes(`| \`${env}\` |`), env);
});

it('keeps evidence blobs under the data dir by default, or in an S3-compatible store', () => {
  const config = loadConfig({ env: {}, cwd: '/srv/mvid' });
  assert.deepEqual(blobStoreConfigOf(config), { kind: 'fs', dir: '/srv/mvid/data/blobs' });
  assert.deepEqual(blobStoreConfigOf(loadConfig({ env: { MVID_BLOB_DIR: 'evidence' }, cwd: '/srv/mvid' })), {
    kind: 'fs',
    dir: '/srv/mvid/evidence',
  });
  const s3 = loadConfig({
    env: {
      MVID_BLOB_STORE: 's3',
      MVID_BLOB_S3_ENDPOINT: 'http://127.0.0.1:9000',
      MVID_BLOB_S3_BUCKET: 'mvid-evidence',
      MVID_BLOB_S3_REGION: 'eu-central-1',
      MVID_BLOB_S3_ACCESS_KEY_ID: 'AKID',
      MVID_BLOB_S3_SECRET_ACCESS_KEY: 'secret',
      MVID_BLOB_S3_PATH_STYLE: 'true',
    },
  });
  const location = blobStoreConfigOf(s3);
  assert.deepEqual(location, {
    kind: 's3',
    endpoint: 'http://127.0.0.1:9000',
    bucket: 'mvid-evidence',
    region: 'eu-central-1',
    accessKeyId: 'AKID',
    secretAccessKey: 'secret',
    pathStyle: true,
  });
  // The shape is what openBlobStore takes (checked by tsc, and it opens).
  assert.equal(typeof openBlobStore(location).get, 'function');
  const aws = loadConfig({
    env: {
      MVID_BLOB_STORE: 's3',
      MVID_BLOB_S3_BUCKET: 'b-1',
      MVID_BLOB_S3_REGION: 'eu-west-3',
      MVID_BLOB_S3_ACCESS_KEY_ID: 'a',
      MVID_BLOB_S3_SECRET_ACCESS_KEY: 's',
    },
  });
  assert.deepEqual(blobStoreConfigOf(aws), {
    kind: 's3',
    endpoint: 'https://s3.eu-west-3.amazonaws.com',
    bucket: 'b-1',
    region: 'eu-west-3',
    accessKeyId: 'a',
    secretAccessKey: 's',
    pathStyle: false,
  });
});

it('refuses an incomplete or malformed blob store configuration, naming the variable', () => {
  assert.throws(() => loadConfig({ env: { MVID_BLOB_STORE: 'ftp' } }), /MVID_BLOB_STORE/);
  assert.throws(
    () => loadConfig({ env: { MVID_BLOB_STORE: 's3', MVID_BLOB_S3_ACCESS_KEY_ID: 'a', MVID_BLOB_S3_SECRET_ACCESS_KEY: 's' } }),
    /MVID_BLOB_S3_BUCKET.*required/,
  );
  assert.throws(
    () => loadConfig({ env: { MVID_BLOB_STORE: 's3', MVID_BLOB_S3_BUCKET: 'b-1', MVID_BLOB_S3_ACCESS_KEY_ID: 'a' } }),
    /MVID_BLOB_S3_SECRET_ACCESS_KEY/,
  );
  assert.throws(() => loadConfig({ env: { MVID_BLOB_S3_BUCKET: 'Not_A_Bucket' } }), /MVID_BLOB_S3_BUCKET/);
  assert.throws(() => loadConfig({ env: { MVID_BLOB_S3_PATH_STYLE: 'yes' } }), /MVID_BLOB_S3_PATH_STYLE/);
  assert.throws(() => loadConfig({ env: { MVID_BLOB_S3_ENDPOINT: 'ftp://x' } }), /MVID_BLOB_S3_ENDPOINT/);
});
