/**
 * JSON bodies are parsed once, here. Beyond JSON.parse this refuses duplicate member
 * names (`{"a":1,"a":2}` is ambiguous: parsers disagree on which one wins, a classic
 * smuggling vector) and prototype-poisoning keys.
 */
import { MvidError } from '../core/index.ts';

/** Scans JSON text (already known to be valid) for an object with a repeated member name. */
export function findDuplicateKey(text: string): string | undefined {
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      let raw = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          raw += text.slice(j, j + 2);
          j += 2;
        } else {
          raw += text[j];
          j += 1;
        }
      }
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(`"${raw}"`) as string;
        if (top.has(key)) return key;
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === '[') {
      stack.push(null);
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return undefined;
}

const FORBIDDEN_KEYS = /"(__proto__|constructor|prototype)"\s*:/;

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new MvidError('bad_request', 'the request body is empty but declared as JSON');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MvidError('bad_request', `the request body is not valid JSON: ${(error as Error).message}`);
  }
  // PostgreSQL cannot store NUL in text; no field of mvid's API has a use for one.
  if (text.includes('\\u0000')) throw new MvidError('bad_request', 'the body contains a NUL character (\\u0000)');
  if (FORBIDDEN_KEYS.test(text)) throw new MvidError('validation_failed', 'the body uses a forbidden member name');
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new MvidError('validation_failed', `the member "${duplicate}" appears twice in one object`, { extensions: { field: duplicate } });
  }
  return value;
}
