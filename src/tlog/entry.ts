/**
 * mvid log entries: small UTF-8 (in fact ASCII) text records,
 *
 *   mvid-log-entry/v1
 *   type <event type>
 *   time <YYYY-MM-DDTHH:MM:SSZ>
 *   <field> <value>          one line per field, in the schema's order
 *
 * each line ending in a newline. The encoding is canonical: one event has one
 * entry, so its leaf hash identifies it. Parsing is strict: unknown, repeated,
 * misplaced or missing fields and any value outside its pattern are refused.
 */
import { MvidError } from '../core/index.ts';
import { CROSS_FIELD_RULES, ENTRY_SCHEMAS, type FieldSpec, type LogEvent } from './entry-schema.ts';

export const ENTRY_VERSION = 'mvid-log-entry/v1';
/** 64 KiB minus one: the largest entry a tlog-tiles entry bundle (uint16 lengths) can frame. */
export const MAX_ENTRY_BYTES = 65_535;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** 32 bytes, unpadded base64url; the last character carries 4 bits, so its low 2 must be zero. */
const BYTES32 = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const UINT = /^(?:0|[1-9][0-9]{0,8})$/;
/** No mvid event predates 2020; the floor also keeps birthdates out of time fields. */
const MIN_TIME_MS = Date.UTC(2020, 0, 1);

interface FieldDef {
  prop: string;
  key: string;
  spec: FieldSpec;
}

const TIME_FIELD: FieldDef = { prop: 'time', key: 'time', spec: { kind: 'time' } };

/** Wire keys are the snake_case of the property names. */
const FIELDS = new Map<string, FieldDef[]>(
  Object.entries(ENTRY_SCHEMAS).map(([type, fields]) => [
    type,
    [
      TIME_FIELD,
      ...Object.entries(fields).map(([prop, spec]) => ({ prop, key: prop.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), spec })),
    ],
  ]),
);

/**
 * An event time as log entries write it: UTC, whole seconds. Sub-second
 * precision is dropped on purpose: it would only help correlate log entries
 * with other observations.
 *
 * @example
 * encodeEntry({ type: 'request_expired', time: entryTime(clock.now()), request });
 */
export function entryTime(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('entryTime needs a valid Date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function invalid(message: string, field?: string): MvidError {
  return new MvidError('entry_invalid', `invalid log entry: ${message}`, field === undefined ? {} : { extensions: { field } });
}

/** The last time string that passed: entries of one batch mostly share their second, and the check shows in profiles. */
let lastGoodTime = '';

function isTime(text: string): boolean {
  if (text === lastGoodTime) return true;
  const ok = checkTime(text);
  if (ok) lastGoodTime = text;
  return ok;
}

function checkTime(text: string): boolean {
  const m = TIME.exec(text);
  if (m === null) return false;
  const ms = Date.parse(text);
  // Round-tripping rejects impossible dates such as February 30th.
  return Number.isFinite(ms) && ms >= MIN_TIME_MS && new Date(ms).toISOString() === `${text.slice(0, -1)}.000Z`;
}

/** The wire text of a value, or null when it does not fit its field. */
function writeValue(spec: FieldSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'id':
      return typeof value === 'string' && (UUID.test(value) || BYTES32.test(value)) ? value : null;
    case 'hash':
      return typeof value === 'string' && BYTES32.test(value) ? value : null;
    case 'time':
      return typeof value === 'string' && isTime(value) ? value : null;
    case 'uint':
      return Number.isSafeInteger(value) && (value as number) >= spec.min && (value as number) <= spec.max ? String(value) : null;
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? value : null;
  }
}

function readValue(spec: FieldSpec, text: string): unknown {
  if (spec.kind !== 'uint') return writeValue(spec, text);
  if (!UINT.test(text)) return null;
  return writeValue(spec, Number(text)) === null ? null : Number(text);
}

function schemaOf(type: unknown): FieldDef[] {
  const fields = typeof type === 'string' && Object.hasOwn(ENTRY_SCHEMAS, type) ? FIELDS.get(type) : undefined;
  if (fields === undefined) throw invalid(`unknown event type ${JSON.stringify(String(type)).slice(0, 40)}`, 'type');
  return fields;
}

function checkCrossFields(event: LogEvent): void {
  const rule = CROSS_FIELD_RULES[event.type] as ((e: LogEvent) => string | null) | undefined;
  const broken = rule?.(event) ?? null;
  if (broken !== null) throw invalid(broken);
}

/**
 * The canonical bytes of a log event. Throws `entry_invalid` when a field is
 * unknown, missing or does not match its pattern (e.g. a name where an id
 * belongs), `entry_too_large` over 65,535 bytes.
 *
 * @example
 * const entry = encodeEntry({ type: 'request_expired', time: '2026-03-01T12:00:00Z', request: requestId });
 * tree.appendEntry(entry);
 */
export function encodeEntry(event: LogEvent): Uint8Array {
  if (typeof event !== 'object' || event === null) throw new TypeError('event must be an object');
  const fields = schemaOf(event.type);
  const record = event as unknown as Record<string, unknown>;
  for (const prop of Object.keys(record)) {
    if (prop !== 'type' && !fields.some((f) => f.prop === prop)) throw invalid(`field ${prop} is not part of ${event.type}`, prop);
  }
  const lines = [ENTRY_VERSION, `type ${event.type}`];
  for (const { prop, key, spec } of fields) {
    const value = record[prop];
    if (value === undefined) {
      if (spec.optional === true) continue;
      throw invalid(`${event.type} needs ${prop}`, prop);
    }
    const text = writeValue(spec, value);
    if (text === null) throw invalid(`${prop} is not a valid ${spec.kind}`, prop);
    lines.push(`${key} ${text}`);
  }
  checkCrossFields(event);
  const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
  if (bytes.length > MAX_ENTRY_BYTES)
    throw new MvidError('entry_too_large', `log entry of ${bytes.length} bytes exceeds ${MAX_ENTRY_BYTES}`);
  return bytes;
}

/**
 * Parses and checks log entry bytes. Throws `entry_too_large` or `entry_invalid`.
 *
 * @example
 * const event = parseEntry(bundleEntries[i]);
 * if (event.type === 'release') audit(event.request, event.envelope);
 */
export function parseEntry(bytes: Uint8Array): LogEvent {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('entry must be a Uint8Array');
  if (bytes.length > MAX_ENTRY_BYTES)
    throw new MvidError('entry_too_large', `log entry of ${bytes.length} bytes exceeds ${MAX_ENTRY_BYTES}`);
  for (const b of bytes) if (b !== 0x0a && (b < 0x20 || b > 0x7e)) throw invalid('only printable ASCII and newlines are allowed');
  const text = new TextDecoder().decode(bytes);
  if (!text.endsWith('\n')) throw invalid('must end in a newline');
  const [version, typeLine, ...rest] = text.slice(0, -1).split('\n');
  if (version !== ENTRY_VERSION) throw invalid(`first line must be ${ENTRY_VERSION}`);
  if (typeLine === undefined || !typeLine.startsWith('type ')) throw invalid('second line must be the type', 'type');
  const type = typeLine.slice(5);
  const fields = schemaOf(type);
  const event: Record<string, unknown> = { type };
  let position = -1;
  for (const line of rest) {
    const match = /^([a-z_]+) ([^ ]+)$/.exec(line);
    if (match === null) throw invalid('a field line is "<key> <value>"');
    const [, key, value] = match as unknown as [string, string, string];
    const at = fields.findIndex((f) => f.key === key);
    const field = fields[at];
    if (field === undefined) throw invalid(`field ${key} is not part of ${type}`, key);
    if (Object.hasOwn(event, field.prop)) throw invalid(`field ${key} is repeated`, key);
    if (at < position) throw invalid(`field ${key} is out of order`, key);
    position = at;
    const parsed = readValue(field.spec, value);
    if (parsed === null) throw invalid(`${key} is not a valid ${field.spec.kind}`, key);
    event[field.prop] = parsed;
  }
  for (const f of fields) if (f.spec.optional !== true && !Object.hasOwn(event, f.prop)) throw invalid(`${type} needs ${f.key}`, f.key);
  checkCrossFields(event as unknown as LogEvent);
  return event as unknown as LogEvent;
}
