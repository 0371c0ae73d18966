import { isPlainObject } from './encoding.ts';

/**
 * A JSON Schema (draft 2020-12) validator for the subset mvid's credential
 * schemas use. Small on purpose: a world should not need a schema compiler to
 * check five claims. A keyword outside the subset throws instead of being
 * skipped, because a silently ignored constraint is a constraint that passes.
 */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** Keywords that only describe; they never make a value invalid. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'examples',
  'default',
  'format',
  'readOnly',
  'writeOnly',
  'deprecated',
]);
const ASSERTIONS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'items',
  'minItems',
  'maxItems',
]);

/**
 * Validates `value` against `schema` and returns the violations (empty when valid),
 * each as `"<json pointer>: <reason>"`.
 * @throws TypeError when the schema uses a keyword outside the supported subset
 *
 * @example
 * validateJsonSchema({ type: 'object', properties: { country: { type: 'string', pattern: '^[A-Z]{2}$' } } },
 *   { country: 'fr' }) // → ['/country: does not match ^[A-Z]{2}$']
 */
export function validateJsonSchema(schema: JsonSchema, value: unknown): string[] {
  const errors: string[] = [];
  check(schema, value, '', errors);
  return errors;
}

/** Schema objects whose keywords were already found supported. */
const supported = new WeakSet<object>();

function check(schema: JsonSchema, value: unknown, path: string, errors: string[]): void {
  if (schema === true) return;
  if (schema === false) {
    errors.push(`${path}: not allowed`);
    return;
  }
  if (!supported.has(schema)) {
    for (const keyword of Object.keys(schema)) {
      if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) throw new TypeError(`unsupported JSON Schema keyword: ${keyword}`);
    }
    supported.add(schema); // a verifier checks every presentation against the same few schemas
  }
  const s = schema as Record<string, unknown>;
  if (s.type !== undefined && !matchesType(s.type, value)) {
    errors.push(`${path}: is not of type ${JSON.stringify(s.type)}`);
    return; // further keywords would only repeat the same complaint
  }
  if (s.const !== undefined && !deepEqual(s.const, value)) errors.push(`${path}: is not ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((v) => deepEqual(v, value))) errors.push(`${path}: is not one of the allowed values`);
  if (typeof value === 'string') checkString(s, value, path, errors);
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errors.push(`${path}: is below ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) errors.push(`${path}: is above ${s.maximum}`);
  }
  if (Array.isArray(value)) checkArray(s, value, path, errors);
  if (isPlainObject(value)) checkObject(s, value, path, errors);
}

function checkString(s: Record<string, unknown>, value: string, path: string, errors: string[]): void {
  if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') {
    const length = codePoints(value); // JSON Schema counts code points, not UTF-16 units
    if (typeof s.minLength === 'number' && length < s.minLength) errors.push(`${path}: is shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && length > s.maxLength) errors.push(`${path}: is longer than ${s.maxLength}`);
  }
  if (typeof s.pattern === 'string' && !compile(s.pattern).test(value)) errors.push(`${path}: does not match ${s.pattern}`);
}

/** The number of code points, as `[...value].length` counts them (a lone surrogate is one), without the array. */
function codePoints(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function checkArray(s: Record<string, unknown>, value: unknown[], path: string, errors: string[]): void {
  if (typeof s.minItems === 'number' && value.length < s.minItems) errors.push(`${path}: has fewer than ${s.minItems} items`);
  if (typeof s.maxItems === 'number' && value.length > s.maxItems) errors.push(`${path}: has more than ${s.maxItems} items`);
  if (s.items !== undefined) {
    for (const [i, item] of value.entries()) check(s.items as JsonSchema, item, `${path}/${i}`, errors);
  }
}

function checkObject(s: Record<string, unknown>, value: Record<string, unknown>, path: string, errors: string[]): void {
  const properties = isPlainObject(s.properties) ? s.properties : {};
  if (Array.isArray(s.required)) {
    for (const name of s.required) if (typeof name === 'string' && !Object.hasOwn(value, name)) errors.push(`${path}/${name}: is required`);
  }
  for (const [name, item] of Object.entries(value)) {
    const child = `${path}/${name.includes('~') || name.includes('/') ? name.replaceAll('~', '~0').replaceAll('/', '~1') : name}`;
    if (Object.hasOwn(properties, name)) check(properties[name] as JsonSchema, item, child, errors);
    else if (s.additionalProperties !== undefined) check(s.additionalProperties as JsonSchema, item, child, errors);
  }
}

function matchesType(type: unknown, value: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'string':
        return typeof value === 'string';
      case 'boolean':
        return typeof value === 'boolean';
      case 'null':
        return value === null;
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'integer':
        return Number.isInteger(value);
      case 'array':
        return Array.isArray(value);
      case 'object':
        return isPlainObject(value);
      default:
        throw new TypeError(`unsupported JSON Schema type: ${String(t)}`);
    }
  });
}

const patterns = new Map<string, RegExp>();
function compile(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (re === undefined) {
    re = new RegExp(pattern, 'u'); // 2020-12 patterns are ECMA-262 with Unicode semantics
    patterns.set(pattern, re);
  }
  return re;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
