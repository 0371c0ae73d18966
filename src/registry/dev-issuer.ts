/**
 * The development PID issuer, so demos and tests can enrol people without a real
 * proofing issuer. Its ES256 key lives in the key directory (`dev-pid-issuer.jwk`,
 * created lazily, development mode only); its PIDs are refused in production (see
 * pid-verify.ts). Also the holder side of a presentation (`presentPid`), which a
 * wallet would normally do.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, sign } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SDJwtInstance } from '@sd-jwt/core';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { MvidError, toBase64Url, utf8 } from '../core/index.ts';
import { algOf, jwkThumbprint, publicHolderJwk } from './jws.ts';
import type { PidClaims } from './pid-claims.ts';
import { DEV_ISSUER_ISS, PID_VCT } from './types.ts';

export const DEV_ISSUER_KEY_FILE = 'dev-pid-issuer.jwk';

export interface DevIssuerKey {
  privateJwk: JsonWebKey & { kid: string };
  publicJwk: JsonWebKey & { kid: string; alg: 'ES256'; use: 'sig' };
}

function refuseOutsideDevelopment(mode: string): void {
  if (mode !== 'development') {
    throw new MvidError('dev_issuer_disabled', 'the development PID issuer is only available in development mode (MVID_MODE=development)');
  }
}

/** A fresh development issuer key, as the text of `dev-pid-issuer.jwk`. */
export function newDevIssuerKeyText(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  return `${JSON.stringify({ ...jwk, kid: jwkThumbprint(jwk), alg: 'ES256', use: 'sig' }, null, 2)}\n`;
}

/** The development issuer key in the text of `dev-pid-issuer.jwk`. */
export function devIssuerKeyOf(text: string): DevIssuerKey {
  const privateJwk = JSON.parse(text) as JsonWebKey & { kid: string };
  const pub = createPublicKey(createPrivateKey({ key: privateJwk, format: 'jwk' })).export({ format: 'jwk' });
  const publicJwk = { ...publicHolderJwk(pub), kid: privateJwk.kid, alg: 'ES256' as const, use: 'sig' as const };
  return { privateJwk, publicJwk };
}

/** Reads the dev issuer key from the key directory, creating it on first use (development mode only). */
export function loadDevIssuerKey(keyDir: string, mode: string): DevIssuerKey {
  refuseOutsideDevelopment(mode);
  const path = join(keyDir, DEV_ISSUER_KEY_FILE);
  if (!existsSync(path)) {
    try {
      writeFileSync(path, newDevIssuerKeyText(), { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
    } catch (error) {
      // Another process (a CLI next to the server) created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return devIssuerKeyOf(readFileSync(path, 'utf8'));
}

function signer(privateJwk: JsonWebKey) {
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  const ec = key.asymmetricKeyType === 'ec';
  return (data: string) => toBase64Url(ec ? sign('sha256', utf8(data), { key, dsaEncoding: 'ieee-p1363' }) : sign(null, utf8(data), key));
}

export interface DevPidOptions {
  now: Date;
  /** Validity of the PID; default 30 days. */
  validityDays?: number;
}

/**
 * Issues a development PID: an SD-JWT VC (every claim selectively disclosable) bound to
 * `holderPublicJwk`. Returns the issuer-signed credential with all disclosures, no KB-JWT.
 */
export async function issueDevPid(
  key: DevIssuerKey,
  claims: PidClaims,
  holderPublicJwk: JsonWebKey,
  options: DevPidOptions,
): Promise<string> {
  const iat = Math.floor(options.now.getTime() / 1000);
  const sdjwt = new SDJwtInstance({ hasher: digest, saltGenerator: generateSalt, signer: signer(key.privateJwk), signAlg: 'ES256' });
  const payload = {
    iss: DEV_ISSUER_ISS,
    vct: PID_VCT,
    iat,
    exp: iat + (options.validityDays ?? 30) * 86_400,
    cnf: { jwk: publicHolderJwk(holderPublicJwk) },
    ...claims,
  };
  const frame = { _sd: Object.keys(claims) } as never;
  return sdjwt.issue(payload, frame, { header: { typ: 'dc+sd-jwt', kid: key.publicJwk.kid } });
}

/**
 * The holder's side: presents `credential` with every disclosure and a KB-JWT for
 * `audience` over `nonce`, signed by the holder's private key.
 */
export async function presentPid(
  credential: string,
  holderPrivateJwk: JsonWebKey,
  options: { nonce: string; audience: string; now: Date },
): Promise<string> {
  const pub = createPublicKey(createPrivateKey({ key: holderPrivateJwk, format: 'jwk' })).export({ format: 'jwk' });
  const sdjwt = new SDJwtInstance({ hasher: digest, kbSigner: signer(holderPrivateJwk), kbSignAlg: algOf(pub) });
  const iat = Math.floor(options.now.getTime() / 1000);
  return sdjwt.present(credential, undefined, { kb: { payload: { iat, aud: options.audience, nonce: options.nonce } } });
}

/** A fresh ES256 holder key pair as JWKs (for `mvid dev pid` without `--holder-key`, and tests). */
export function generateHolderKey(): { privateJwk: JsonWebKey; publicJwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateJwk: privateKey.export({ format: 'jwk' }), publicJwk: publicKey.export({ format: 'jwk' }) };
}

/**
 * Development only: plays the person's wallet in one step — a dev PID for `claims`,
 * bound to a throw-away holder key, presented at once for `audience` over `nonce`.
 * The holder key is dropped: such a person signs in with passkeys, not a wallet.
 */
export async function devPresentation(
  key: DevIssuerKey,
  claims: PidClaims,
  options: { nonce: string; audience: string; now: Date },
): Promise<string> {
  const holder = generateHolderKey();
  const credential = await issueDevPid(key, claims, holder.publicJwk, { now: options.now });
  return presentPid(credential, holder.privateJwk, options);
}
