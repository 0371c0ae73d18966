/**
 * IdP-blind sign-in (issue 20): the wire format shared by mvid (the issuer), a person's
 * wallet (the prover) and a world (the verifier). mvid issues short-lived BBS credentials
 * over a person's attributes and their pseudonym secret (bbs-nym.ts); to enter world W the
 * wallet shows W a proof with W's pseudonym, disclosing only what W asks for, bound to W's
 * fresh nonce. W verifies offline with mvid's public key: mvid sees no request at all.
 *
 * Choices, each explained in docs/blind-signin.md:
 * - The pseudonym secret is mvid's: nym = H(VRF(pseudonym key, "blind-nym" ‖ person id)).
 *   It is the same after re-issue and after recovery (same person id), so a world's ban
 *   sticks; a person has exactly one; and mvid can show a trustee, with a VRF proof, which
 *   person a world pseudonym belongs to (lawful disclosure). The prover commits to a zero
 *   secret and mvid's part is the signer entropy of the draft's blind issuance, so the
 *   wallet cannot pick another pseudonym.
 * - Credentials carry no status-list index (which would link presentations): they expire
 *   with their epoch (a UTC week), and wallets fetch a batch for this epoch and the next.
 *   Everyone's credential of one epoch has the same header, so the header links nobody.
 * - Messages are a fixed layout of attribute values; a world names the attributes it wants.
 */
import { concatBytes, fromBase64Url, MvidError, toBase64Url, utf8 } from '../core/index.ts';
import { decodeG1, hashToScalar, i2osp, os2ip, SCALAR_BYTES } from './bbs.ts';
import { blindSignWithNym, calculatePseudonym, nymCommit, proofGenWithNym, proofVerifyWithNym, verifyFinalizeWithNym } from './bbs-nym.ts';

export const BLIND_FORMAT = 'mvid-blind-v1';
/** The signed attributes, in message order. */
export const BLIND_ATTRIBUTES = ['age_over_13', 'age_over_16', 'age_over_18', 'age_over_21', 'residence_country'] as const;
export type BlindAttribute = (typeof BLIND_ATTRIBUTES)[number];
/** An epoch is a UTC week starting on Monday; a credential is valid until its epoch ends. */
export const BLIND_EPOCH_DAYS = 7;
const DAY_MS = 86_400_000;
const NYM_DST = utf8('mvid-blind-nym-v1');
const MAX_NONCE_LENGTH = 256;

/** The VRF input of a person's pseudonym secret (distinct from every `world:` input). */
export function blindNymInput(personId: string): Uint8Array {
  return utf8(`blind-nym\0${personId}`);
}

/** The pseudonym secret from the VRF output (base64url) for `blindNymInput`. */
export function nymFromVrfOutput(output: string): bigint {
  return hashToScalar(fromBase64Url(output), NYM_DST);
}

/** The pseudonym context of a world: its id, as in the OIDC subject's VRF input. */
export function blindContextId(worldId: string): Uint8Array {
  return utf8(`world:${worldId}`);
}

/** The person's pseudonym in a world (base64url of a compressed G1 point, 64 characters). */
export function blindPseudonym(worldId: string, nym: bigint): string {
  return toBase64Url(calculatePseudonym(blindContextId(worldId), [nym]));
}

/** Whether a world subject is a blind pseudonym (64 characters) rather than an OIDC `sub` (43). */
export function isBlindPseudonym(subject: string): boolean {
  return subject.length === 64;
}

/** The epoch containing `at`: its first day and its last (inclusive), YYYY-MM-DD. */
export function blindEpoch(at: Date, offset = 0): { start: Date; expires: string } {
  const day = Math.floor(at.getTime() / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is days since Monday.
  const monday = day - ((day + 3) % 7) + offset * BLIND_EPOCH_DAYS;
  return { start: new Date(monday * DAY_MS), expires: new Date((monday + BLIND_EPOCH_DAYS - 1) * DAY_MS).toISOString().slice(0, 10) };
}

/** The header every credential of one issuer and epoch shares. */
export function blindHeader(issuer: string, expires: string): string {
  return `${BLIND_FORMAT} ${issuer} ${expires}`;
}

/** A credential's header read back: its issuer and the last day of its epoch (YYYY-MM-DD), or undefined. */
export function parseBlindHeader(header: string): { issuer: string; expires: string } | undefined {
  const parts = header.split(' ');
  if (parts.length !== 3 || parts[0] !== BLIND_FORMAT || !/^\d{4}-\d{2}-\d{2}$/.test(parts[2] as string)) return undefined;
  return { issuer: parts[1] as string, expires: parts[2] as string };
}

const messagesOf = (attributes: Record<BlindAttribute, string>) => BLIND_ATTRIBUTES.map((a) => utf8(attributes[a]));
const scalarText = (s: bigint) => toBase64Url(i2osp(s, SCALAR_BYTES));
const scalarOf = (text: unknown): bigint | undefined => {
  if (typeof text !== 'string') return undefined;
  try {
    const bytes = fromBase64Url(text);
    return bytes.length === SCALAR_BYTES ? os2ip(bytes) : undefined;
  } catch {
    return undefined;
  }
};

/** What the wallet keeps: one credential of one epoch. */
export interface BlindCredential {
  format: typeof BLIND_FORMAT;
  /** The issuer's public URL; the header names it too. */
  issuer: string;
  /** BBS public key, base64url (96 bytes). */
  publicKey: string;
  header: string;
  attributes: Record<BlindAttribute, string>;
  signature: string;
  proverBlind: string;
  /** The pseudonym secret: the wallet's to keep, never to show. */
  nymSecret: string;
}

export interface BlindIssuerKey {
  secretKey: bigint;
  publicKey: Uint8Array;
}

/** Issues one credential (mvid's side): the prover's commitment to a zero secret is made here, since the secret is mvid's. */
export function issueBlindCredential(
  key: BlindIssuerKey,
  issuer: string,
  expires: string,
  attributes: Record<BlindAttribute, string>,
  nym: bigint,
): BlindCredential {
  const header = blindHeader(issuer, expires);
  const { commitmentWithProof, proverBlind } = nymCommit([], [0n]);
  const signature = blindSignWithNym(key.secretKey, key.publicKey, commitmentWithProof, 1, nym, utf8(header), messagesOf(attributes));
  if (signature === undefined) throw new Error('blind sign-in: our own commitment did not verify');
  return {
    format: BLIND_FORMAT,
    issuer,
    publicKey: toBase64Url(key.publicKey),
    header,
    attributes,
    signature: toBase64Url(signature),
    proverBlind: scalarText(proverBlind),
    nymSecret: scalarText(nym),
  };
}

/**
 * The wallet's check of a credential it received: the signature holds under the issuer key
 * the wallet pinned (not the one the credential names), over exactly these attributes and
 * this pseudonym secret. A server that lies about any of them is caught here.
 */
export function checkBlindCredential(credential: BlindCredential, pinnedPublicKey: string, issuer: string): boolean {
  const nym = scalarOf(credential.nymSecret);
  const blind = scalarOf(credential.proverBlind);
  const header = parseBlindHeader(credential.header ?? '');
  if (nym === undefined || blind === undefined || header?.issuer !== issuer || credential.publicKey !== pinnedPublicKey) return false;
  if (!BLIND_ATTRIBUTES.every((a) => typeof credential.attributes?.[a] === 'string')) return false;
  try {
    const secrets = verifyFinalizeWithNym(
      fromBase64Url(pinnedPublicKey),
      fromBase64Url(credential.signature),
      utf8(credential.header),
      messagesOf(credential.attributes),
      [],
      [0n],
      nym,
      blind,
    );
    return secrets?.[0] === nym;
  } catch {
    return false;
  }
}

/** What a world receives: no signature, no secret, only its own pseudonym and what it asked for. */
export interface BlindPresentation {
  format: typeof BLIND_FORMAT;
  header: string;
  pseudonym: string;
  proof: string;
  disclosed: Partial<Record<BlindAttribute, string>>;
}

/** The presentation header: the world's fresh nonce (the world id is the pseudonym's context already). */
const presentationHeader = (worldId: string, nonce: string) =>
  concatBytes(utf8(`${BLIND_FORMAT} presentation `), utf8(worldId), new Uint8Array([0]), utf8(nonce));

/** The wallet's presentation to world `worldId`, for its `nonce`, disclosing `disclose` only. */
export function presentBlind(
  credential: BlindCredential,
  worldId: string,
  nonce: string,
  disclose: readonly BlindAttribute[],
): BlindPresentation {
  const wanted = new Set(disclose);
  const indexes = BLIND_ATTRIBUTES.flatMap((a, i) => (wanted.has(a) ? [i] : []));
  const made = proofGenWithNym({
    publicKey: fromBase64Url(credential.publicKey),
    signature: fromBase64Url(credential.signature),
    header: utf8(credential.header),
    ph: presentationHeader(worldId, nonce),
    nymSecrets: [scalarOf(credential.nymSecret) as bigint],
    contextId: blindContextId(worldId),
    messages: messagesOf(credential.attributes),
    committedMessages: [],
    disclosedIndexes: indexes,
    disclosedCommittedIndexes: [],
    proverBlind: scalarOf(credential.proverBlind) as bigint,
  });
  if (made === undefined) throw new MvidError('blind_presentation_invalid', 'this credential cannot make a proof');
  return {
    format: BLIND_FORMAT,
    header: credential.header,
    pseudonym: toBase64Url(made.pseudonym),
    proof: toBase64Url(made.proof),
    disclosed: Object.fromEntries(indexes.map((i) => [BLIND_ATTRIBUTES[i], credential.attributes[BLIND_ATTRIBUTES[i] as BlindAttribute]])),
  };
}

export interface BlindVerifyOptions {
  /** mvid's BBS public key (base64url), pinned by the world. */
  publicKey: string;
  /** mvid's public URL, as in the headers it signs. */
  issuer: string;
  /** The world's own id: the pseudonym's context. */
  worldId: string;
  /** The nonce the world issued for this sign-in (single use: the world must burn it). */
  nonce: string;
  now: Date;
  /** Attributes the world needs disclosed; a presentation lacking one is refused. */
  require?: readonly BlindAttribute[];
}

function refuse(reason: string): MvidError {
  return new MvidError('blind_presentation_invalid', reason);
}

/**
 * The world's check, offline: format, issuer, epoch not over, the attributes it requires
 * disclosed, and the proof with the pseudonym for this world and this nonce.
 * @throws MvidError blind_presentation_invalid (with the reason)
 */
export function verifyBlindPresentation(
  presentation: unknown,
  options: BlindVerifyOptions,
): { pseudonym: string; attributes: Partial<Record<BlindAttribute, string>>; expires: string } {
  const p = presentation as Partial<BlindPresentation> | null;
  if (p === null || typeof p !== 'object' || p.format !== BLIND_FORMAT) throw refuse(`not an ${BLIND_FORMAT} presentation`);
  if (typeof p.header !== 'string' || typeof p.pseudonym !== 'string' || typeof p.proof !== 'string')
    throw refuse('header, pseudonym and proof are required');
  if (typeof p.disclosed !== 'object' || p.disclosed === null) throw refuse('disclosed must be an object');
  if (typeof options.nonce !== 'string' || options.nonce === '' || options.nonce.length > MAX_NONCE_LENGTH)
    throw refuse('the verifier has no valid nonce');
  const header = parseBlindHeader(p.header);
  if (header === undefined || header.issuer !== options.issuer) throw refuse('the credential is not from this issuer');
  if (header.expires < options.now.toISOString().slice(0, 10)) throw refuse(`the credential expired on ${header.expires}`);
  const disclosed = p.disclosed as Record<string, unknown>;
  const names = Object.keys(disclosed);
  if (!names.every((n) => (BLIND_ATTRIBUTES as readonly string[]).includes(n) && typeof disclosed[n] === 'string'))
    throw refuse('an unknown or malformed attribute is disclosed');
  for (const needed of options.require ?? []) if (!names.includes(needed)) throw refuse(`${needed} is required and not disclosed`);
  const indexes = BLIND_ATTRIBUTES.flatMap((a, i) => (names.includes(a) ? [i] : []));
  let proof: Uint8Array;
  let pseudonym: Uint8Array;
  let publicKey: Uint8Array;
  try {
    proof = fromBase64Url(p.proof);
    pseudonym = fromBase64Url(p.pseudonym);
    publicKey = fromBase64Url(options.publicKey);
  } catch {
    throw refuse('proof, pseudonym or key is not base64url');
  }
  if (decodeG1(pseudonym) === undefined) throw refuse('the pseudonym is not a point of the group');
  const ok = proofVerifyWithNym({
    publicKey,
    proof,
    header: utf8(p.header),
    ph: presentationHeader(options.worldId, options.nonce),
    pseudonym,
    contextId: blindContextId(options.worldId),
    nymCount: 1,
    signerMessageCount: BLIND_ATTRIBUTES.length,
    disclosedMessages: indexes.map((i) => utf8(disclosed[BLIND_ATTRIBUTES[i] as string] as string)),
    disclosedCommittedMessages: [],
    disclosedIndexes: indexes,
    disclosedCommittedIndexes: [],
  });
  if (!ok) throw refuse('the proof does not verify for this world, nonce, pseudonym and attributes');
  return {
    pseudonym: p.pseudonym,
    attributes: Object.fromEntries(indexes.map((i) => [BLIND_ATTRIBUTES[i], disclosed[BLIND_ATTRIBUTES[i] as string]])),
    expires: header.expires,
  };
}
