/**
 * Trustee share files: a share encrypted under a passphrase, for storage on a
 * trustee's own medium (USB key, password manager). scrypt stretches the
 * passphrase, AES-256-GCM encrypts the 32-byte share, and every public field
 * is bound as associated data, so swapping the trustee id, set id,
 * verification key or commitments makes decryption fail.
 *
 * The scrypt parameters live in the file so they can be raised later, but they
 * are bounded on read: a hostile file must not be able to make a trustee's
 * laptop allocate gigabytes or spin for minutes.
 */
import { createHmac, scrypt as scryptCallback } from 'node:crypto';
import { constantTimeEqual, systemRandom, toBase64Url } from '../core/index.ts';
import type { Random } from '../core/index.ts';
import { fail, frame, readBytesField, readIntField, readLabelField, readObject, u32be, wipe } from './encoding.ts';
import { MAX_TRUSTEES, verifyShare } from './feldman.ts';
import type { TrusteeShare } from './feldman.ts';
import { SCALAR_BYTES, encodePoint, multiplyBaseSecret, randomBytes, readPointField, tryDecodeScalar } from './group.ts';
import { GCM_NONCE_BYTES, GCM_TAG_BYTES, aesGcmOpen, aesGcmSeal } from './symmetric.ts';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  /** Block size r. */
  r: number;
  /** Parallelisation p. */
  p: number;
}

/** N = 2^15, r = 8, p = 1: 32 MiB and roughly 0.1 s on a laptop. */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ logN: 15, r: 8, p: 1 });

/** Accepted scrypt parameters, when writing and (more importantly) when reading a file. */
export const SCRYPT_LIMITS = Object.freeze({
  minLogN: 14,
  maxLogN: 20,
  maxR: 32,
  maxP: 16,
  /** 128·N·r: the memory scrypt needs. */
  maxMemoryBytes: 256 * 1024 * 1024,
  /** N·r·p: proportional to the work. 2^22 is 16× the default. */
  maxWork: 2 ** 22,
});

export const SHARE_PASSPHRASE_MIN_LENGTH = 12;
const SALT_BYTES = 16;
const SHARE_FILE_FORMAT = 'mvid-trustee-share';

/** A passphrase-encrypted trustee share. Plain JSON; everything but the share itself is public. */
export interface ShareFile {
  format: 'mvid-trustee-share';
  version: 1;
  trusteeSetId: string;
  trusteeId: string;
  trusteeIndex: number;
  threshold: number;
  verificationKey: string;
  commitments: string[];
  kdf: { name: 'scrypt'; logN: number; r: number; p: number; salt: string };
  cipher: { name: 'AES-256-GCM'; nonce: string };
  /** HMAC from the passphrase-derived key: tells "wrong passphrase" apart from "tampered file". */
  passphraseCheck: string;
  /** AES-256-GCM ciphertext ‖ tag of the 32-byte share. */
  ciphertext: string;
}

function scryptParamsProblem(params: ScryptParams): string | undefined {
  const { logN, r, p } = params;
  const ints = [logN, r, p].every((v) => Number.isInteger(v));
  if (!ints || logN < SCRYPT_LIMITS.minLogN || logN > SCRYPT_LIMITS.maxLogN) return 'scrypt logN out of bounds';
  if (r < 1 || r > SCRYPT_LIMITS.maxR || p < 1 || p > SCRYPT_LIMITS.maxP) return 'scrypt r or p out of bounds';
  if (128 * 2 ** logN * r > SCRYPT_LIMITS.maxMemoryBytes) return 'scrypt parameters need too much memory';
  if (2 ** logN * r * p > SCRYPT_LIMITS.maxWork) return 'scrypt parameters need too much work';
  return undefined;
}

/** scrypt → 64 bytes: the AES key, then the passphrase-check key. */
function deriveKeys(passphrase: string, salt: Uint8Array, params: ScryptParams): Promise<{ aesKey: Uint8Array; checkKey: Uint8Array }> {
  const N = 2 ** params.logN;
  // Node refuses when 128·N·r exceeds maxmem; the bounds above already capped it.
  const maxmem = 128 * N * params.r + 128 * params.r * params.p + 1024 * 1024;
  const secret = Buffer.from(passphrase.normalize('NFKC'), 'utf8');
  return new Promise((resolve, reject) => {
    scryptCallback(secret, salt, 64, { N, r: params.r, p: params.p, maxmem }, (error, derived) => {
      secret.fill(0);
      if (error) return reject(error);
      const out = new Uint8Array(derived);
      derived.fill(0);
      resolve({ aesKey: out.slice(0, 32), checkKey: out.slice(32) });
      out.fill(0);
    });
  });
}

function passphraseCheck(checkKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', checkKey).update('mvid share passphrase check v1').digest());
}

/** AAD: every public field, in a fixed order, length-prefixed. */
function associatedData(f: Omit<ShareFile, 'passphraseCheck' | 'ciphertext'>): Uint8Array {
  return frame(
    SHARE_FILE_FORMAT,
    u32be(f.version),
    f.trusteeSetId,
    f.trusteeId,
    u32be(f.trusteeIndex),
    u32be(f.threshold),
    f.verificationKey,
    frame(...f.commitments),
    frame(f.kdf.name, u32be(f.kdf.logN), u32be(f.kdf.r), u32be(f.kdf.p), f.kdf.salt),
    frame(f.cipher.name, f.cipher.nonce),
  );
}

/**
 * Encrypts a trustee share under a passphrase (NFKC-normalised, at least 12 characters).
 * The share must pass its own Feldman check, so a corrupted share is never sealed away.
 * @example
 * const file = await encryptShareFile(share, 'correct horse battery staple');
 * await writeFile('share-3.json', JSON.stringify(file, null, 2));
 */
export async function encryptShareFile(
  share: TrusteeShare,
  passphrase: string,
  options: { scrypt?: ScryptParams; random?: Random } = {},
): Promise<ShareFile> {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string');
  if ([...passphrase.normalize('NFKC')].length < SHARE_PASSPHRASE_MIN_LENGTH) {
    throw new TypeError(`passphrase must have at least ${SHARE_PASSPHRASE_MIN_LENGTH} characters`);
  }
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  const problem = scryptParamsProblem(params);
  if (problem !== undefined) throw new RangeError(problem);
  if (!verifyShare(share, share.commitments)) throw new TypeError('share does not match its own commitments');
  const x = tryDecodeScalar(share.secret);
  if (x === undefined || toBase64Url(encodePoint(multiplyBaseSecret(x))) !== share.verificationKey) {
    throw new TypeError('share does not match its verification key');
  }
  const random = options.random ?? systemRandom;
  const salt = randomBytes(random, SALT_BYTES);
  const nonce = randomBytes(random, GCM_NONCE_BYTES);
  const header: Omit<ShareFile, 'passphraseCheck' | 'ciphertext'> = {
    format: SHARE_FILE_FORMAT,
    version: 1,
    trusteeSetId: share.trusteeSetId,
    trusteeId: share.trusteeId,
    trusteeIndex: share.index,
    threshold: share.threshold,
    verificationKey: share.verificationKey,
    commitments: [...share.commitments],
    kdf: { name: 'scrypt', logN: params.logN, r: params.r, p: params.p, salt: toBase64Url(salt) },
    cipher: { name: 'AES-256-GCM', nonce: toBase64Url(nonce) },
  };
  const { aesKey, checkKey } = await deriveKeys(passphrase, salt, params);
  try {
    const ciphertext = aesGcmSeal(aesKey, nonce, share.secret, associatedData(header));
    return { ...header, passphraseCheck: toBase64Url(passphraseCheck(checkKey)), ciphertext: toBase64Url(ciphertext) };
  } finally {
    wipe(aesKey, checkKey);
  }
}

/** Structural validation of an untrusted file, before any expensive work. */
function parseShareFile(value: unknown): {
  header: Omit<ShareFile, 'passphraseCheck' | 'ciphertext'>;
  check: Uint8Array;
  ciphertext: Uint8Array;
  salt: Uint8Array;
  nonce: Uint8Array;
} {
  const code = 'share_file_invalid';
  const f = readObject(value, 'share file', code);
  if (f.format !== SHARE_FILE_FORMAT || f.version !== 1) fail(code, 'not a version 1 mvid trustee share file');
  const kdf = readObject(f.kdf, 'kdf', code);
  const cipher = readObject(f.cipher, 'cipher', code);
  if (kdf.name !== 'scrypt' || cipher.name !== 'AES-256-GCM') fail(code, 'unsupported kdf or cipher');
  const params = { logN: kdf.logN, r: kdf.r, p: kdf.p } as ScryptParams;
  const problem = scryptParamsProblem(params);
  if (problem !== undefined) fail(code, problem, { field: 'kdf' });
  const threshold = readIntField(f.threshold, 'threshold', 1, MAX_TRUSTEES, code);
  if (!Array.isArray(f.commitments) || f.commitments.length !== threshold)
    fail(code, 'commitments must list one point per threshold degree', { field: 'commitments' });
  const commitments = f.commitments.map((c, k) => {
    readPointField(c, `commitments[${k}]`, code);
    return c as string;
  });
  readPointField(f.verificationKey, 'verificationKey', code);
  const salt = readBytesField(kdf.salt, 'kdf.salt', [16, 64], code);
  const nonce = readBytesField(cipher.nonce, 'cipher.nonce', GCM_NONCE_BYTES, code);
  const header: Omit<ShareFile, 'passphraseCheck' | 'ciphertext'> = {
    format: SHARE_FILE_FORMAT,
    version: 1,
    trusteeSetId: readLabelField(f.trusteeSetId, 'trusteeSetId', code),
    trusteeId: readLabelField(f.trusteeId, 'trusteeId', code),
    trusteeIndex: readIntField(f.trusteeIndex, 'trusteeIndex', 1, MAX_TRUSTEES, code),
    threshold,
    verificationKey: f.verificationKey as string,
    commitments,
    kdf: { name: 'scrypt', ...params, salt: kdf.salt as string },
    cipher: { name: 'AES-256-GCM', nonce: cipher.nonce as string },
  };
  const check = readBytesField(f.passphraseCheck, 'passphraseCheck', 32, code);
  const ciphertext = readBytesField(f.ciphertext, 'ciphertext', SCALAR_BYTES + GCM_TAG_BYTES, code);
  return { header, check, ciphertext, salt, nonce };
}

/**
 * Decrypts a share file. Throws `share_file_invalid` for a malformed, tampered
 * or out-of-bounds file, and `share_passphrase_invalid` for a wrong passphrase.
 * The recovered share is checked against the file's verification key and
 * commitments; callers should still run `verifyShare` against the published
 * `TrusteeSet` and compare `trusteeSetId`.
 * @example
 * const share = await decryptShareFile(JSON.parse(text), passphrase);
 * try { use(share); } finally { share.secret.fill(0); }
 */
export async function decryptShareFile(file: unknown, passphrase: string): Promise<TrusteeShare> {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string');
  const { header, check, ciphertext, salt, nonce } = parseShareFile(file);
  const { aesKey, checkKey } = await deriveKeys(passphrase, salt, header.kdf);
  let secret: Uint8Array | undefined;
  try {
    if (!constantTimeEqual(passphraseCheck(checkKey), check)) {
      fail('share_passphrase_invalid', 'the passphrase does not open this share file');
    }
    secret = aesGcmOpen(aesKey, nonce, ciphertext, associatedData(header));
  } finally {
    wipe(aesKey, checkKey);
  }
  if (secret === undefined) fail('share_file_invalid', 'the share file has been tampered with');
  const share: TrusteeShare = {
    trusteeSetId: header.trusteeSetId,
    trusteeId: header.trusteeId,
    index: header.trusteeIndex,
    threshold: header.threshold,
    verificationKey: header.verificationKey,
    commitments: header.commitments,
    secret,
  };
  const x = tryDecodeScalar(secret);
  const matchesKey = x !== undefined && toBase64Url(encodePoint(multiplyBaseSecret(x))) === header.verificationKey;
  if (!matchesKey || !verifyShare(share, header.commitments)) {
    wipe(secret);
    fail('share_file_invalid', 'the share in this file does not match its verification key and commitments');
  }
  return share;
}
