import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Time is a service, injected into the domain, so that expiry, retention and
 * notification delays can be tested without sleeping.
 */
export interface Clock {
  /** The current time. */
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for tests and simulations. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string | number = '2026-01-01T00:00:00Z') {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(to: Date | string | number): void {
    this.#ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}

/** Randomness is a service too: tests may make it deterministic. */
export interface Random {
  bytes(length: number): Uint8Array;
  uuid(): string;
}

export const systemRandom: Random = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
  uuid: () => randomUUID(),
};

/** Deterministic randomness for tests (xorshift; never use outside tests). */
export class SeededRandom implements Random {
  #state: number;
  constructor(seed = 1) {
    this.#state = seed >>> 0 || 1;
  }
  #next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.#next() & 0xff;
    return out;
  }
  uuid(): string {
    const b = this.bytes(16);
    b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
    b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
    const h = Buffer.from(b).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}
