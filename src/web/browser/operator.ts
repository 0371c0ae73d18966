/**
 * The operator console's browser side: the administrator's token (kept in this page's
 * memory only) and the admin API, as `mvid worlds|issuers|attribute-issuers|authorities|
 * disclosure trustee-token|keys rotate|sweep` use it. Lists are rendered as tables; the forms register a
 * world or an authority and issue a trustee token (shown once).
 */
import type { Messages } from '../i18n/index.ts';
import { byId, create, type El, fill, messages, wire } from './dom.ts';

/** The page's messages, in its language. */
const M = messages<Messages['operatorBundle']>();

type Input = El & { value: string };
const value = (id: string) => (byId(id) as Input).value.trim();

const LISTS: Array<[string, string]> = [
  ['worlds', '/admin/v1/worlds'],
  ['issuers', '/admin/v1/issuers'],
  ['attribute-issuers', '/credentials/v1/attribute-issuers'],
  ['trustee-sets', '/admin/v1/trustee-sets'],
  ['authorities', '/admin/v1/authorities'],
];

async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const token = value('admin-token');
  if (token === '') throw new Error(M.tokenFirst);
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${String(json.detail ?? json.title ?? res.status)}${json.code ? ` (${String(json.code)})` : ''}`);
  return json;
}

/** A value as text: lists joined, records by their id or name. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.map(cell).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return String(o.id ?? o.name ?? JSON.stringify(o));
  }
  return String(v);
}

/** The first list in a response, as a table of its rows' plain fields (at most six columns). */
function table(into: El, rows: Array<Record<string, unknown>>): void {
  into.replaceChildren();
  if (rows.length === 0) {
    into.append(create('p', M.none));
    return;
  }
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))]
    .filter((k) => rows.some((r) => typeof r[k] !== 'object' || Array.isArray(r[k])))
    .slice(0, 6);
  const t = create('table');
  const head = create('tr');
  for (const k of keys) {
    const th = create('th', k);
    th.setAttribute('scope', 'col');
    head.append(th);
  }
  const thead = create('thead');
  thead.append(head);
  const tbody = create('tbody');
  for (const r of rows) {
    const tr = create('tr');
    for (const k of keys) tr.append(create('td', cell(r[k])));
    tbody.append(tr);
  }
  t.append(thead, tbody);
  into.append(t);
}

async function load(): Promise<void> {
  const status = byId('status');
  status.textContent = M.loading;
  try {
    for (const [id, path] of LISTS) {
      const body = await api('GET', path);
      const list = Object.values(body).find(Array.isArray) as Array<Record<string, unknown>> | undefined;
      table(byId(`list-${id}`), list ?? []);
    }
    status.textContent = M.loaded;
  } catch (error) {
    status.textContent = fill(M.refused, { message: (error as Error).message });
  }
}

async function act(statusId: string, run: () => Promise<string>): Promise<void> {
  const status = byId(statusId);
  status.textContent = M.working;
  try {
    status.textContent = await run();
    await load();
  } catch (error) {
    status.textContent = fill(M.refused, { message: (error as Error).message });
  }
}

const addWorld = () =>
  act('world-status', async () => {
    const required = value('world-claims')
      .split(/[\s,]+/)
      .filter(Boolean);
    const r = await api('POST', '/admin/v1/worlds', {
      name: value('world-name'),
      redirectUris: [value('world-redirect')],
      purpose: value('world-purpose'),
      rules: [],
      claims: required.map((name) => ({ name, required: true })),
      pseudonyms: value('world-pseudonyms'),
    });
    return fill(M.worldAdded, { clientId: cell(r.clientId), secret: cell(r.clientSecret) });
  });

const addAuthority = () =>
  act('authority-status', async () => {
    const r = await api('POST', '/admin/v1/authorities', {
      name: value('authority-name'),
      jurisdiction: value('authority-jurisdiction'),
      contact: value('authority-contact'),
      encryptionKey: value('authority-key'),
    });
    return fill(M.authorityAdded, { token: cell(r.token) });
  });

const trusteeToken = () =>
  act('trustee-status', async () => {
    const r = await api('POST', '/admin/v1/disclosure/trustee-credentials', { trustee: value('trustee-name') });
    return fill(M.trusteeToken, { token: cell(r.token) });
  });

const rotateKey = () =>
  act('rotate-status', async () => {
    const after = value('activate-after');
    const r = await api('POST', '/admin/v1/keys/rotations', { activateAfterSeconds: after === '' ? 0 : Number(after) });
    return fill(M.rotated, { notice: cell(r.notice) });
  });

/** Sweeps can take a while on a big deployment: the button waits, the status says so, then lists what each domain did. */
async function sweep(): Promise<void> {
  const status = byId('sweep-status');
  const button = byId('sweep');
  button.disabled = true;
  status.replaceChildren(create('p', M.sweeping));
  try {
    const r = await api('POST', '/admin/v1/sweeps');
    const list = create('ul');
    for (const line of (r.summary as string[]) ?? []) list.append(create('li', line));
    status.replaceChildren(create('p', M.swept), list);
  } catch (error) {
    status.replaceChildren(create('p', fill(M.refused, { message: (error as Error).message })));
  } finally {
    button.disabled = false;
  }
}

wire('operator-console', {
  load,
  'add-world': addWorld,
  'add-authority': addAuthority,
  'trustee-token': trusteeToken,
  'rotate-key': rotateKey,
  sweep,
});
