/**
 * Configuration, in one place: environment variables over an optional JSON config file
 * (`MVID_CONFIG`), over defaults; parsed by a schema with errors that name the variable.
 * Nothing else in mvid reads `process.env`: the parsed `Config` is passed down.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MvidError } from '../core/index.ts';
import { parseKeyEncryptionKey as parseKek } from '../keys/index.ts';

/** Documentation of a key: what it means and its default in words (docs/operating.md is generated from these). */
const doc = (description: string, byDefault: string) => ({ description, 'x-default': byDefault });

const AbuseLimit = Type.Object(
  { limit: Type.Integer({ minimum: 0, maximum: 1_000_000 }), windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }) },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, ...doc('the SQLite file `mvid.sqlite` and the key directory `keys/` (0700)', '`./data`') }),
    databaseUrl: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        ...doc('a `postgres://` URL selects PostgreSQL (many nodes may share it)', '— (SQLite)'),
      }),
    ),
    databasePoolSize: Type.Integer({ minimum: 1, maximum: 200, ...doc('PostgreSQL connections per node', '`10`') }),
    databaseReadUrl: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        ...doc(
          "a PostgreSQL read replica for the public reads that may lag (the log's tiles, entries and proofs, transparency figures, moderation statistics, status lists); what it does not hold yet, or when it fails, comes from the primary (docs/deploy.md)",
          '— (the primary)',
        ),
      }),
    ),
    publicUrl: Type.String({
      pattern: '^https?://[^/\\s]+(/[^\\s]*)?$',
      ...doc(
        'the URL people and worlds use: OpenID issuer, presentation audience, log origin',
        '`http://localhost:<port>` for a loopback or any-address host (passkeys refuse IP addresses), else `http://<host>:<port>`',
      ),
    }),
    host: Type.String({ minLength: 1, ...doc('the address to listen on', '`127.0.0.1`') }),
    port: Type.Integer({ minimum: 0, maximum: 65535, ...doc('the port to listen on', '`8080`') }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      doc('pino log level: fatal, error, warn, info, debug, trace or silent', '`info`'),
    ),
    mode: Type.Union(
      [Type.Literal('development'), Type.Literal('production')],
      doc('`production` refuses the development PID issuer and all demo material', '`development`'),
    ),
    /** Seed a living demo system on start (development only): example world, demo trustee set, demo authority. */
    demoSeed: Type.Boolean(
      doc(
        '`mvid serve` seeds what is missing of a demo system (example world, demo trustee set, demo authority, admin token; secrets in `<dataDir>/demo-only/`); `true` is refused in production',
        '`true` in development, `false` in production',
      ),
    ),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, ...doc('the largest request body', '`1048576`') }),
    /** A bearer token a metrics scraper presents on /metrics (besides any administrator token). */
    metricsToken: Type.Optional(
      Type.String({
        minLength: 32,
        maxLength: 512,
        pattern: '^[A-Za-z0-9._~+/-]+=*$',
        ...doc(
          'bearer token a Prometheus scraper presents on `/metrics` (32+ characters); an administrator token works too; `/metrics` is never public',
          '— (administrators only)',
        ),
      }),
    ),
    /** Slow-loris protection: the whole header block must arrive within this, the whole request within the next. */
    headersTimeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 600_000,
      ...doc('slow-loris protection: time for the whole header block, in ms (a late request gets 408 problem+json)', '`10000`'),
    }),
    requestTimeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 3_600_000,
      ...doc('time for the whole request, body included, in ms', '`30000`'),
    }),
    keepAliveTimeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 600_000,
      ...doc('how long an idle keep-alive connection stays open, in ms', '`5000`'),
    }),
    /** Pending connections the kernel queues for accept() (capped by net.core.somaxconn). */
    listenBacklog: Type.Integer({
      minimum: 1,
      maximum: 65535,
      ...doc('connections the kernel queues before `accept` (also capped by `net.core.somaxconn`)', '`2048`'),
    }),
    /** Abuse limits per bucket (see src/abuse); limit 0 turns one off. */
    abuseLimits: Type.Partial(
      Type.Object(
        Object.fromEntries(
          ['credentialIp', 'credentialPrincipal', 'mintIp', 'enrolIp', 'reportPrincipal'].map((bucket) => [bucket, AbuseLimit]),
        ) as Record<'credentialIp' | 'credentialPrincipal' | 'mintIp' | 'enrolIp' | 'reportPrincipal', typeof AbuseLimit>,
        { additionalProperties: false },
      ),
      doc(
        'JSON object overriding abuse limits per bucket (`credentialIp`, `credentialPrincipal`, `mintIp`, `enrolIp`, `reportPrincipal`), each `{"limit": n, "windowSeconds": s}`; `limit: 0` turns one off; counters live in the database, shared by every node',
        'see docs/threat-model.md',
      ),
    ),
    /** Reverse proxies in front of mvid whose X-Forwarded-For is trusted (0: none; the peer address is the client). */
    trustProxyHops: Type.Integer({
      minimum: 0,
      maximum: 10,
      ...doc(
        'reverse proxies in front of mvid whose `X-Forwarded-For` is believed; per-IP abuse limits count the address this yields',
        '`0`',
      ),
    }),
    retentionDays: Type.Integer({
      minimum: 1,
      maximum: 36500,
      ...doc('how long envelopes and tags of closed accounts are kept before the sweeper deletes them', '`365`'),
    }),
    sweepIntervalSeconds: Type.Integer({
      minimum: 0,
      maximum: 86400,
      ...doc(
        'how often the retention and expiry sweeps run, each once per interval across all nodes (0: only `mvid sweep`, which runs every sweeper)',
        '`3600`',
      ),
    }),
    /** Worker threads that seal escrow envelopes off the event loop (0: seal on the event loop). */
    sealWorkers: Type.Integer({
      minimum: 0,
      maximum: 64,
      ...doc('worker threads sealing escrow envelopes at enrolment, started on first use (0: on the event loop)', 'cores − 1, from 1 to 4'),
    }),
    shutdownGraceSeconds: Type.Integer({
      minimum: 0,
      maximum: 600,
      ...doc('how long in-flight requests may finish after SIGTERM before the process exits', '`10`'),
    }),
    /** How often queued transparency-log entries are integrated, in ms (0: only when appended through the log). */
    logIntegrateIntervalMs: Type.Integer({
      minimum: 0,
      maximum: 600_000,
      ...doc('how often queued log entries are integrated and a checkpoint signed, in ms (0: only when appended through the log)', '`500`'),
    }),
    /** tlog-witness witnesses that cosign the log's checkpoints: submission prefix and cosignature vkey. */
    logWitnesses: Type.Array(
      Type.Object({ url: Type.String({ pattern: '^https?://' }), vkey: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      { maxItems: 32, ...doc('tlog-witness witnesses cosigning the checkpoints: a JSON list of `{"url", "vkey"}`', '`[]`') },
    ),
    /** Cosignatures a checkpoint needs before /log/checkpoint prefers it (0: serve the newest). */
    logWitnessThreshold: Type.Integer({
      minimum: 0,
      maximum: 32,
      ...doc('cosignatures a checkpoint needs before `/log/checkpoint` serves it (0: serve the newest)', '`0`'),
    }),
    /** Longest notification delay an authority may ask for (extensions need a new quorum). */
    disclosureMaxDelayDays: Type.Integer({
      minimum: 1,
      maximum: 365,
      ...doc('the longest notification delay an authority may ask for (an extension needs a new quorum)', '`90`'),
    }),
    /** How long an ordinary disclosure request stays open for trustee decisions. */
    disclosureRequestValidityDays: Type.Integer({
      minimum: 1,
      maximum: 365,
      ...doc('how long an ordinary disclosure request stays open for trustee decisions', '`30`'),
    }),
    /** Validity of an emergency (threat to life) request: shorter clock, same quorum. */
    disclosureEmergencyValidityHours: Type.Integer({
      minimum: 1,
      maximum: 720,
      ...doc('how long an emergency (threat to life) request stays open: a shorter clock, the same quorum', '`48`'),
    }),
    keyEncryptionKey: Type.Optional(
      Type.String({
        minLength: 1,
        ...doc(
          "32 random bytes (base64, base64url or hex; `openssl rand -base64 32`) sealing the deployment's keys in the database, so that every node with it shares them without key files (docs/deploy.md)",
          '— (the key directory holds the keys)',
        ),
      }),
    ),
    keyEncryptionKeyFile: Type.Optional(
      Type.String({ minLength: 1, ...doc('a file holding the key-encryption key (a mounted secret); not with `keyEncryptionKey`', '—') }),
    ),
    /** Where evidence blobs live: `fs` (under `blobDir`) or `s3` (an S3-compatible object store). */
    blobStore: Type.Union(
      [Type.Literal('fs'), Type.Literal('s3')],
      doc(
        'where moderation evidence (screenshots, logs, clips) is kept: `fs` (a directory) or `s3` (an S3-compatible object store); see docs/moderation.md',
        '`fs`',
      ),
    ),
    /** Filesystem blob directory (default `<dataDir>/blobs`). */
    blobDir: Type.Optional(
      Type.String({ minLength: 1, ...doc('the `fs` evidence directory (created 0700, files 0600)', '`<dataDir>/blobs`') }),
    ),
    /** S3 endpoint (default `https://s3.<region>.amazonaws.com`). */
    blobS3Endpoint: Type.Optional(
      Type.String({
        pattern: '^https?://[^/\\s]+(/[^\\s]*)?$',
        ...doc('the S3 endpoint, e.g. `http://minio:9000`', '`https://s3.<region>.amazonaws.com`'),
      }),
    ),
    blobS3Bucket: Type.Optional(
      Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', ...doc('the bucket (required with `s3`)', '—') }),
    ),
    blobS3Region: Type.String({
      minLength: 1,
      maxLength: 64,
      ...doc('the region signed into requests (MinIO and most self-hosted stores accept `us-east-1`)', '`us-east-1`'),
    }),
    blobS3AccessKeyId: Type.Optional(
      Type.String({ minLength: 1, ...doc('the key id requests are signed with (SigV4; required with `s3`)', '—') }),
    ),
    blobS3SecretAccessKey: Type.Optional(
      Type.String({ minLength: 1, ...doc('the secret requests are signed with (required with `s3`; redacted from logs)', '—') }),
    ),
    /** Path-style (`<endpoint>/<bucket>/<key>`, MinIO and most self-hosted stores) instead of virtual-hosted addressing. */
    blobS3PathStyle: Type.Boolean(
      doc(
        '`true`: `<endpoint>/<bucket>/<key>` (MinIO, Garage, Ceph and most self-hosted stores); `false`: `<bucket>.<endpoint host>/<key>` (AWS)',
        '`false`',
      ),
    ),
    /** The tag service that holds the uniqueness-tag OPRF key. */
    tagServiceUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^/\\s]+(/[^\\s]*)?$',
        ...doc(
          'the uniqueness-tag service (`mvid tag-service`, run elsewhere) that holds the tag key; unset: an embedded one under `<dataDir>/tag-service`, for development and tests only',
          '— (embedded)',
        ),
      }),
    ),
    /** Its public key, pinned: every evaluation's proof is checked against it. */
    tagServicePublicKey: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{43}$',
        ...doc('the tag service’s public key (printed at its start, `GET /tag/v1/key`), pinned; required with the URL', '—'),
      }),
    ),
    /** Its client token. */
    tagServiceToken: Type.Optional(
      Type.String({
        minLength: 1,
        ...doc('the tag service’s client token (`tag-service.token` in its key directory; redacted from logs)', '—'),
      }),
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/** Environment variable → config key. The file uses the keys themselves. */
export const ENV_KEYS: Record<string, keyof Config> = {
  MVID_DATA_DIR: 'dataDir',
  MVID_DATABASE_URL: 'databaseUrl',
  MVID_DATABASE_POOL_SIZE: 'databasePoolSize',
  MVID_DATABASE_READ_URL: 'databaseReadUrl',
  MVID_PUBLIC_URL: 'publicUrl',
  MVID_HOST: 'host',
  MVID_PORT: 'port',
  MVID_LOG_LEVEL: 'logLevel',
  MVID_MODE: 'mode',
  MVID_DEMO_SEED: 'demoSeed',
  MVID_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  MVID_METRICS_TOKEN: 'metricsToken',
  MVID_HEADERS_TIMEOUT_MS: 'headersTimeoutMs',
  MVID_REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  MVID_KEEP_ALIVE_TIMEOUT_MS: 'keepAliveTimeoutMs',
  MVID_LISTEN_BACKLOG: 'listenBacklog',
  MVID_ABUSE_LIMITS: 'abuseLimits',
  MVID_TRUST_PROXY_HOPS: 'trustProxyHops',
  MVID_RETENTION_DAYS: 'retentionDays',
  MVID_SWEEP_INTERVAL_SECONDS: 'sweepIntervalSeconds',
  MVID_SEAL_WORKERS: 'sealWorkers',
  MVID_SHUTDOWN_GRACE_SECONDS: 'shutdownGraceSeconds',
  MVID_LOG_INTEGRATE_INTERVAL_MS: 'logIntegrateIntervalMs',
  MVID_LOG_WITNESSES: 'logWitnesses',
  MVID_LOG_WITNESS_THRESHOLD: 'logWitnessThreshold',
  MVID_DISCLOSURE_MAX_DELAY_DAYS: 'disclosureMaxDelayDays',
  MVID_DISCLOSURE_REQUEST_VALIDITY_DAYS: 'disclosureRequestValidityDays',
  MVID_DISCLOSURE_EMERGENCY_VALIDITY_HOURS: 'disclosureEmergencyValidityHours',
  MVID_KEY_ENCRYPTION_KEY: 'keyEncryptionKey',
  MVID_KEY_ENCRYPTION_KEY_FILE: 'keyEncryptionKeyFile',
  MVID_BLOB_STORE: 'blobStore',
  MVID_BLOB_DIR: 'blobDir',
  MVID_BLOB_S3_ENDPOINT: 'blobS3Endpoint',
  MVID_BLOB_S3_BUCKET: 'blobS3Bucket',
  MVID_BLOB_S3_REGION: 'blobS3Region',
  MVID_BLOB_S3_ACCESS_KEY_ID: 'blobS3AccessKeyId',
  MVID_BLOB_S3_SECRET_ACCESS_KEY: 'blobS3SecretAccessKey',
  MVID_BLOB_S3_PATH_STYLE: 'blobS3PathStyle',
  MVID_TAG_SERVICE_URL: 'tagServiceUrl',
  MVID_TAG_SERVICE_PUBLIC_KEY: 'tagServicePublicKey',
  MVID_TAG_SERVICE_TOKEN: 'tagServiceToken',
};

const INTEGER_KEYS = new Set<keyof Config>([
  'databasePoolSize',
  'port',
  'bodyLimitBytes',
  'headersTimeoutMs',
  'requestTimeoutMs',
  'keepAliveTimeoutMs',
  'listenBacklog',
  'trustProxyHops',
  'retentionDays',
  'sweepIntervalSeconds',
  'sealWorkers',
  'shutdownGraceSeconds',
  'logIntegrateIntervalMs',
  'logWitnessThreshold',
  'disclosureMaxDelayDays',
  'disclosureRequestValidityDays',
  'disclosureEmergencyValidityHours',
]);
/** Keys whose environment value is JSON. */
const JSON_KEYS = new Set<keyof Config>(['logWitnesses', 'abuseLimits']);
/** Keys whose environment value is `true` or `false`. */
const BOOLEAN_KEYS = new Set<keyof Config>(['blobS3PathStyle', 'demoSeed']);

function envValue(key: keyof Config, name: string, value: string): unknown {
  if (INTEGER_KEYS.has(key) && /^-?\d+$/.test(value)) return Number(value);
  if (JSON_KEYS.has(key)) return parseJsonValue(name, value);
  if (BOOLEAN_KEYS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function sourceName(key: string): string {
  const env = Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0];
  return env ? `${env} (${key})` : key;
}

function parseJsonValue(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new MvidError('config_invalid', `invalid configuration ${name}: not valid JSON`);
  }
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  /** Values that win over everything (used by CLI flags and tests). */
  overrides?: Partial<Config>;
  cwd?: string;
}

/**
 * Builds the configuration.
 * @example
 * const config = loadConfig({ env: process.env });
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const raw: Record<string, unknown> = {};

  const file = env.MVID_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(resolve(cwd, file), 'utf8'));
    } catch (error) {
      throw new MvidError('config_invalid', `cannot read config file ${file}: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new MvidError('config_invalid', `config file ${file} must hold a JSON object`);
    }
    Object.assign(raw, parsed);
  }
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[key] = envValue(key, name, value);
  }
  Object.assign(raw, options.overrides ?? {});

  raw.dataDir ??= './data';
  raw.databasePoolSize ??= 10;
  raw.host ??= '127.0.0.1';
  raw.port ??= 8080;
  raw.logLevel ??= 'info';
  raw.mode ??= 'development';
  raw.demoSeed ??= raw.mode === 'development';
  raw.bodyLimitBytes ??= 1024 * 1024;
  raw.headersTimeoutMs ??= 10_000;
  raw.requestTimeoutMs ??= 30_000;
  raw.keepAliveTimeoutMs ??= 5_000;
  raw.listenBacklog ??= 2048;
  raw.abuseLimits ??= {};
  raw.trustProxyHops ??= 0;
  raw.retentionDays ??= 365;
  raw.sweepIntervalSeconds ??= 3600;
  // Every core but the event loop's, at least one, at most four.
  raw.sealWorkers ??= Math.max(1, Math.min(4, availableParallelism() - 1));
  raw.shutdownGraceSeconds ??= 10;
  raw.disclosureMaxDelayDays ??= 90;
  raw.disclosureRequestValidityDays ??= 30;
  raw.disclosureEmergencyValidityHours ??= 48;
  raw.logIntegrateIntervalMs ??= 500;
  raw.logWitnesses ??= [];
  raw.logWitnessThreshold ??= 0;
  raw.blobStore ??= 'fs';
  raw.blobS3Region ??= 'us-east-1';
  raw.blobS3PathStyle ??= false;
  // Loopback and any-address listeners are reached as localhost: browsers treat it as a secure
  // context and accept it as a WebAuthn RP ID, while Chromium refuses passkeys on 127.0.0.1.
  raw.publicUrl ??= `http://${LOCAL_HOSTS.has(String(raw.host)) ? 'localhost' : raw.host}:${raw.port}`;

  const first = Value.Errors(ConfigSchema, raw).First();
  if (first) {
    const key = first.path.replace(/^\//, '') || '(root)';
    const value = key in raw && key !== 'keyEncryptionKey' ? ` (got ${JSON.stringify(raw[key])})` : '';
    throw new MvidError('config_invalid', `invalid configuration ${sourceName(key)}: ${first.message}${value}`, {
      extensions: { field: key },
    });
  }
  if (raw.mode === 'production' && raw.demoSeed === true) {
    throw new MvidError('config_invalid', `invalid configuration ${sourceName('demoSeed')}: production mode never seeds demo material`, {
      extensions: { field: 'demoSeed' },
    });
  }
  if (raw.databaseReadUrl !== undefined && raw.databaseUrl === undefined) {
    throw new MvidError(
      'config_invalid',
      'invalid configuration MVID_DATABASE_READ_URL: a read replica needs MVID_DATABASE_URL (PostgreSQL)',
      {
        extensions: { field: 'databaseReadUrl' },
      },
    );
  }
  if (raw.keyEncryptionKey !== undefined && raw.keyEncryptionKeyFile !== undefined) {
    throw new MvidError('config_invalid', 'invalid configuration: set MVID_KEY_ENCRYPTION_KEY or MVID_KEY_ENCRYPTION_KEY_FILE, not both', {
      extensions: { field: 'keyEncryptionKey' },
    });
  }
  const config = raw as Config;
  if (config.keyEncryptionKeyFile !== undefined && !isAbsolute(config.keyEncryptionKeyFile)) {
    config.keyEncryptionKeyFile = resolve(cwd, config.keyEncryptionKeyFile);
  }
  if (config.blobStore === 's3') {
    for (const key of ['blobS3Bucket', 'blobS3AccessKeyId', 'blobS3SecretAccessKey'] as const) {
      if (config[key] === undefined) {
        throw new MvidError('config_invalid', `invalid configuration ${sourceName(key)}: required when MVID_BLOB_STORE is s3`, {
          extensions: { field: key },
        });
      }
    }
  }
  if (config.tagServiceUrl !== undefined) {
    for (const key of ['tagServicePublicKey', 'tagServiceToken'] as const) {
      if (config[key] === undefined) {
        throw new MvidError('config_invalid', `invalid configuration ${sourceName(key)}: required with MVID_TAG_SERVICE_URL`, {
          extensions: { field: key },
        });
      }
    }
  }
  config.publicUrl = config.publicUrl.replace(/\/+$/, '');
  if (!isAbsolute(config.dataDir)) config.dataDir = resolve(cwd, config.dataDir);
  if (config.blobDir !== undefined && !isAbsolute(config.blobDir)) config.blobDir = resolve(cwd, config.blobDir);
  return config;
}

/**
 * The key-encryption key, read from the configuration or its file; `undefined` when there
 * is none (the key directory then holds the keys). Throws `config_invalid` when malformed.
 */
export function keyEncryptionKeyOf(config: Config): Uint8Array | undefined {
  if (config.keyEncryptionKey !== undefined) return parseKek(config.keyEncryptionKey, 'MVID_KEY_ENCRYPTION_KEY');
  if (config.keyEncryptionKeyFile === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(config.keyEncryptionKeyFile, 'utf8');
  } catch (error) {
    throw new MvidError(
      'config_invalid',
      `cannot read MVID_KEY_ENCRYPTION_KEY_FILE ${config.keyEncryptionKeyFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseKek(text, `MVID_KEY_ENCRYPTION_KEY_FILE ${config.keyEncryptionKeyFile}`);
}

/** Listen addresses whose default public URL is http://localhost (see loadConfig). */
const LOCAL_HOSTS = new Set(['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost']);

/** Where the store lives for this config. */
export function storeLocationOf(
  config: Config,
): { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string; poolSize: number; readUrl?: string } {
  return config.databaseUrl
    ? {
        engine: 'postgres',
        url: config.databaseUrl,
        poolSize: config.databasePoolSize,
        ...(config.databaseReadUrl === undefined ? {} : { readUrl: config.databaseReadUrl }),
      }
    : { engine: 'sqlite', path: resolve(config.dataDir, 'mvid.sqlite') };
}

/** Markers around the generated configuration reference in docs/operating.md. */
export const CONFIG_DOC_BEGIN = '<!-- config-reference: generated by `npm run docs:config` from src/config; do not edit -->';
export const CONFIG_DOC_END = '<!-- end of config-reference -->';

/** The configuration reference as a Markdown table, from the schema's own descriptions. */
export function renderConfigReference(): string {
  const envOf = new Map(Object.entries(ENV_KEYS).map(([env, key]) => [key, env]));
  const rows = Object.entries(ConfigSchema.properties).map(([key, schema]) => {
    const s = schema as { description?: string; 'x-default'?: string };
    return `| \`${envOf.get(key as keyof Config)}\` | \`${key}\` | ${s['x-default'] ?? '—'} | ${s.description ?? ''} |`;
  });
  return [
    'Every key is an environment variable, or the camelCase key in a JSON file named by `MVID_CONFIG` (the environment wins).',
    '',
    '| variable | file key | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** The evidence blob store for this config, in the shape `openBlobStore` (src/blobs) takes. */
export function blobStoreConfigOf(
  config: Config,
):
  | { kind: 'fs'; dir: string }
  | { kind: 's3'; endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; pathStyle: boolean } {
  if (config.blobStore === 'fs') return { kind: 'fs', dir: config.blobDir ?? resolve(config.dataDir, 'blobs') };
  return {
    kind: 's3',
    endpoint: config.blobS3Endpoint ?? `https://s3.${config.blobS3Region}.amazonaws.com`,
    bucket: config.blobS3Bucket ?? '',
    region: config.blobS3Region,
    accessKeyId: config.blobS3AccessKeyId ?? '',
    secretAccessKey: config.blobS3SecretAccessKey ?? '',
    pathStyle: config.blobS3PathStyle,
  };
}
