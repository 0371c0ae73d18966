/**
 * What may be uploaded as evidence for a moderation report, decided from the bytes.
 *
 * A declared content type is a claim by the uploader; the magic bytes are the fact. An
 * upload is accepted only when both agree and the type is on the list, so an executable,
 * an HTML page or a polyglot announced as `image/png` is refused before it is stored, and
 * what is served back later is exactly the type that was checked.
 */
import { MvidError } from '../core/index.ts';

export interface EvidenceLimits {
  /** Overall ceiling, checked before anything else is looked at. */
  maxBytes: number;
  /** Accepted media types (bare, lower case). */
  types: readonly string[];
  /** Tighter ceilings per type (under `maxBytes`); a type without one uses `maxBytes`. */
  perTypeMaxBytes?: Readonly<Record<string, number>>;
}

const MIB = 1024 * 1024;

/**
 * Screenshots and logs up to 10 MiB, short clips up to 25 MiB. Logs are UTF-8 text only,
 * so nothing uploaded as a log can be mistaken for a page or a program.
 */
export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = Object.freeze({
  maxBytes: 25 * MIB,
  types: Object.freeze(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'text/plain', 'video/mp4', 'video/webm']),
  perTypeMaxBytes: Object.freeze({
    'image/png': 10 * MIB,
    'image/jpeg': 10 * MIB,
    'image/webp': 10 * MIB,
    'image/gif': 10 * MIB,
    'text/plain': 10 * MIB,
    'video/mp4': 25 * MIB,
    'video/webm': 25 * MIB,
  }),
});

const ascii = (bytes: Uint8Array, start: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(start, Math.min(bytes.length, start + length)));

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

/** ISO BMFF major brands that are MP4 video (not HEIC/AVIF stills, not QuickTime). */
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'M4V ', 'mmp4']);

function isMp4(bytes: Uint8Array): boolean {
  if (bytes.length < 12 || ascii(bytes, 4, 4) !== 'ftyp') return false;
  const boxSize = ((bytes[0] as number) << 24) | ((bytes[1] as number) << 16) | ((bytes[2] as number) << 8) | (bytes[3] as number);
  return boxSize >= 16 && boxSize <= bytes.length && MP4_BRANDS.has(ascii(bytes, 8, 4));
}

/** An EBML header whose DocType is `webm` (plain Matroska is not accepted). */
function isWebm(bytes: Uint8Array): boolean {
  if (!startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return false;
  const head = bytes.subarray(0, Math.min(bytes.length, 64));
  for (let i = 4; i + 2 < head.length; i++) {
    // DocType element 0x4282 with a one-byte size (0x80 | n).
    if (head[i] === 0x42 && head[i + 1] === 0x82 && ((head[i + 2] as number) & 0x80) !== 0) {
      const size = (head[i + 2] as number) & 0x7f;
      return ascii(head, i + 3, size) === 'webm';
    }
  }
  return false;
}

/** Executable formats, named in the refusal so an operator reading the log knows what was tried. */
function executableKind(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return 'an ELF executable';
  if (startsWith(bytes, [0x4d, 0x5a])) return 'a Windows (PE/MZ) executable';
  const magic =
    bytes.length >= 4
      ? ((bytes[0] as number) << 24) | ((bytes[1] as number) << 16) | ((bytes[2] as number) << 8) | (bytes[3] as number)
      : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic >>> 0)) return 'a Mach-O executable';
  if (ascii(bytes, 0, 2) === '#!') return 'a script';
  return undefined;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** UTF-8 text without NUL or control characters other than tab, newline, carriage return, form feed and escape (ANSI colours in logs). */
function isUtf8Text(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = utf8Strict.decode(bytes);
  } catch {
    return false;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is checked
  return !/[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f\u007f]/.test(text);
}

/** The media type the bytes are, or undefined when they are none of the evidence formats. */
export function sniffEvidenceType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && ascii(bytes, 12, 4) === 'IHDR') return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP' && /^VP8[ LX]$/.test(ascii(bytes, 12, 4))) return 'image/webp';
  if (isMp4(bytes)) return 'video/mp4';
  if (isWebm(bytes)) return 'video/webm';
  if (executableKind(bytes) === undefined && bytes.length > 0 && isUtf8Text(bytes)) return 'text/plain';
  return undefined;
}

const ALIASES: Readonly<Record<string, string>> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'image/x-png': 'image/png' };

/** `Image/PNG; foo=bar` → `image/png`; a text type must be UTF-8 (or say nothing about its charset). */
function normaliseDeclared(declared: string): { type: string; charsetOk: boolean } {
  const [essence = '', ...params] = declared.split(';');
  const bare = essence.trim().toLowerCase();
  const type = ALIASES[bare] ?? bare;
  const charset = params
    .map((p) => p.trim().toLowerCase())
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  return { type, charsetOk: charset === undefined || charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii' };
}

function unsupported(message: string, declared: string, detected: string | undefined): MvidError {
  return new MvidError('evidence_type_unsupported', message, {
    extensions: { declared: declared.slice(0, 100), ...(detected === undefined ? {} : { detected }) },
  });
}

function tooLarge(size: number, limit: number, type?: string): MvidError {
  const what = type === undefined ? 'evidence' : `${type} evidence`;
  return new MvidError('evidence_too_large', `${what} is ${size} bytes; the limit is ${limit} bytes`, { extensions: { limit } });
}

/**
 * Checks an evidence upload and returns the content type to store it under.
 * Refuses (`evidence_too_large`) what is over the limits and (`evidence_type_unsupported`)
 * what is not an accepted type, not what it claims to be, or not valid UTF-8 text.
 *
 * @example
 * const contentType = checkEvidence(bytes, request.headers['content-type'] ?? '');
 * const blob = await blobs.put(bytes, contentType);
 */
export function checkEvidence(bytes: Uint8Array, declaredType: string, limits: EvidenceLimits = DEFAULT_EVIDENCE_LIMITS): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('evidence must be a Uint8Array');
  if (bytes.length > limits.maxBytes) throw tooLarge(bytes.length, limits.maxBytes);
  if (bytes.length === 0) throw unsupported('evidence is empty', declaredType, undefined);
  const declared = normaliseDeclared(declaredType);
  const detected = sniffEvidenceType(bytes);
  if (detected === undefined) {
    const executable = executableKind(bytes);
    const what = executable ?? (declared.type === 'text/plain' ? 'not valid UTF-8 text' : 'none of the accepted evidence formats');
    throw unsupported(`the upload is ${what}; accepted: ${limits.types.join(', ')}`, declaredType, undefined);
  }
  if (detected !== declared.type) {
    throw unsupported(`the upload was declared ${declared.type || '(no type)'} but its bytes are ${detected}`, declaredType, detected);
  }
  if (!declared.charsetOk) throw unsupported('text evidence must be UTF-8', declaredType, detected);
  if (!limits.types.includes(detected)) throw unsupported(`${detected} is not accepted as evidence here`, declaredType, detected);
  const limit = Math.min(limits.perTypeMaxBytes?.[detected] ?? limits.maxBytes, limits.maxBytes);
  if (bytes.length > limit) throw tooLarge(bytes.length, limit, detected);
  return detected;
}
