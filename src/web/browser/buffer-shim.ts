/**
 * The slice of Node's `Buffer` that src/tlog and src/core use, for the browser bundles
 * (scripts/build-web.ts injects it as the global `Buffer`): from bytes, from hex, base64,
 * base64url and UTF-8 text, concat, compare, and toString in the same encodings. Strict
 * checks stay where they are (src/tlog/base64.ts re-encodes and compares), so this decoder
 * may be as lenient as Node's.
 */
type Encoding = 'hex' | 'base64' | 'base64url' | 'utf8' | 'utf-8';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? B64[n & 63]! : '=';
  }
  return out;
}

function fromBase64(text: string): Uint8Array {
  const clean = text
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/[^A-Za-z0-9+/]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of clean) {
    value = (value << 6) | B64.indexOf(c);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** Bytes that print themselves as Node's Buffer does. */
class BrowserBuffer extends Uint8Array {
  override toString(encoding: Encoding = 'utf8'): string {
    if (encoding === 'hex') return Array.from(this, (b) => b.toString(16).padStart(2, '0')).join('');
    if (encoding === 'base64') return toBase64(this);
    if (encoding === 'base64url') return toBase64(this).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    return new TextDecoder().decode(this);
  }
  readUInt32BE(offset = 0): number {
    return new DataView(this.buffer, this.byteOffset, this.byteLength).getUint32(offset, false);
  }
}

function wrap(bytes: Uint8Array): BrowserBuffer {
  return new BrowserBuffer(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
}

export const Buffer = {
  wrap,
  from(value: string | ArrayBufferLike | ArrayLike<number>, encodingOrOffset?: Encoding | number, length?: number): BrowserBuffer {
    if (typeof value === 'string') {
      const enc = (encodingOrOffset ?? 'utf8') as Encoding;
      if (enc === 'hex') return wrap(Uint8Array.from(value.match(/../g) ?? [], (h) => Number.parseInt(h, 16)));
      if (enc === 'base64' || enc === 'base64url') return wrap(fromBase64(value));
      return wrap(new TextEncoder().encode(value));
    }
    if (value instanceof ArrayBuffer) {
      const offset = typeof encodingOrOffset === 'number' ? encodingOrOffset : 0;
      return wrap(new Uint8Array(value, offset, length ?? value.byteLength - offset).slice());
    }
    return wrap(Uint8Array.from(value as ArrayLike<number>));
  },
  alloc(size: number): BrowserBuffer {
    return wrap(new Uint8Array(size));
  },
  concat(list: readonly Uint8Array[]): BrowserBuffer {
    const out = new Uint8Array(list.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of list) {
      out.set(b, at);
      at += b.length;
    }
    return wrap(out);
  },
  compare(a: Uint8Array, b: Uint8Array): number {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  },
  isBuffer(value: unknown): value is BrowserBuffer {
    return value instanceof BrowserBuffer;
  },
};
