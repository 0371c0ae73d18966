/**
 * libsodium (its WebAssembly build, `libsodium-wrappers-sumo`) for the ristretto255 work on
 * hot paths. Its constant-time field and point arithmetic runs about five times faster than
 * noble's bigint arithmetic on the bench machine (a variable-base multiplication ~0.2 ms
 * against ~1 ms), which is what enrolment's VOPRF needs (docs/performance.md). Loaded on
 * first use, not at start: an idle server does not carry its heap.
 */
type Sodium = typeof import('libsodium-wrappers-sumo').default;

let loading: Promise<Sodium> | undefined;
let loaded: Sodium | undefined;

/** The initialised libsodium module (the first call loads and instantiates it). */
export function sodium(): Promise<Sodium> {
  loading ??= import('libsodium-wrappers-sumo').then(async (module) => {
    await module.default.ready;
    loaded = module.default;
    return module.default;
  });
  return loading;
}

/**
 * libsodium if this thread has loaded it already, for synchronous code that has a slower
 * path of its own (sealing falls back to noble; the sealing workers load libsodium first).
 */
export function sodiumIfLoaded(): Sodium | undefined {
  return loaded;
}

export type { Sodium };

/**
 * Whether `bytes` is the canonical encoding of a ristretto255 point other than the identity:
 * the check `tryDecodePoint` makes, on libsodium (RFC 9496 decoding; the identity's only
 * encoding is 32 zero bytes).
 */
export function isNonIdentityPoint(na: Sodium, bytes: Uint8Array): boolean {
  return bytes.length === 32 && bytes.some((b) => b !== 0) && na.crypto_core_ristretto255_is_valid_point(bytes);
}
