/**
 * The blind sign-in wallet's browser side (docs/blind-signin.md). Credentials live in this
 * browser's localStorage, each checked against the issuer key the page names before it is
 * kept. A world's request arrives in the URL fragment (never sent to mvid); the proof is made
 * here with src/bbs and the browser goes to the world's return address with the presentation
 * in the fragment. The return address must be one of the requesting world's registered
 * redirect origins, so a stranger cannot make this page hand a proof to another site.
 */
import { type BlindAttribute, type BlindCredential, checkBlindCredential, parseBlindHeader, presentBlind } from '../../bbs/index.ts';
import { fromBase64Url, toBase64Url } from '../../core/index.ts';
import { byId, create, storage } from './dom.ts';

interface Config {
  issuer: { issuer: string; publicKey: string };
  worlds: Array<{ id: string; name: string; origins: string[] }>;
  csrf: string | null;
}
interface SignInRequest {
  world: string;
  nonce: string;
  require: BlindAttribute[];
  return: string;
}

const STORE = 'mvid-blind-credentials';
const root = byId('wallet');
const config = JSON.parse(root.dataset.config ?? '{}') as Config;
const text = JSON.parse(root.dataset.messages ?? '{}') as Record<string, string>;
const status = (message: string) => {
  byId('status').textContent = message;
};
const g = globalThis as unknown as {
  location: { hash: string; assign(url: string): void };
  addEventListener(type: string, listener: () => void): void;
};

/** Credentials kept here that still check against the page's key and whose epoch is not over. */
function held(today: string): BlindCredential[] {
  let stored: unknown;
  try {
    stored = JSON.parse(storage().getItem(STORE) ?? '[]');
  } catch {
    stored = [];
  }
  return (Array.isArray(stored) ? (stored as BlindCredential[]) : []).filter(
    (c) =>
      (parseBlindHeader(c.header ?? '')?.expires ?? '') >= today && checkBlindCredential(c, config.issuer.publicKey, config.issuer.issuer),
  );
}

const todayOf = () => new Date().toISOString().slice(0, 10);

function show(): void {
  const list = byId('held');
  const kept = held(todayOf());
  list.replaceChildren(
    ...(kept.length === 0
      ? [create('li', text.none)]
      : kept.map((c) => create('li', (text.validUntil ?? '').replace('{until}', parseBlindHeader(c.header)?.expires ?? '')))),
  );
}

async function refresh(): Promise<void> {
  status(text.refreshing ?? '');
  const res = await fetch('/worlds/v1/me/blind-credentials', {
    method: 'POST',
    headers: { 'x-csrf-token': config.csrf ?? '', accept: 'application/json' },
    credentials: 'same-origin',
  });
  const body = (await res.json().catch(() => ({}))) as { credentials?: BlindCredential[]; detail?: string };
  if (!res.ok || !Array.isArray(body.credentials)) {
    status(body.detail ?? String(res.status));
    return;
  }
  // A server that lies is caught here: every credential must check against the key this page pinned.
  if (!body.credentials.every((c) => checkBlindCredential(c, config.issuer.publicKey, config.issuer.issuer))) {
    status(text.refused ?? '');
    return;
  }
  storage().setItem(STORE, JSON.stringify(body.credentials));
  show();
  status(text.refreshed ?? '');
}

/** The request in the fragment, if any; undefined when there is none, null when it is unreadable. */
function requestOf(hash: string): SignInRequest | null | undefined {
  if (hash.length < 2) return undefined;
  try {
    const r = JSON.parse(new TextDecoder().decode(fromBase64Url(hash.slice(1)))) as SignInRequest;
    const ok =
      typeof r.world === 'string' &&
      typeof r.nonce === 'string' &&
      r.nonce.length > 0 &&
      r.nonce.length <= 256 &&
      Array.isArray(r.require) &&
      typeof r.return === 'string';
    return ok ? r : null;
  } catch {
    return null;
  }
}

/** The request being answered, once its world and return address are checked. */
let current: { request: SignInRequest; returnUrl: URL } | undefined;

function answer(request: SignInRequest): void {
  const world = config.worlds.find((w) => w.id === request.world);
  let returnUrl: URL | undefined;
  try {
    returnUrl = new URL(request.return);
  } catch {
    returnUrl = undefined;
  }
  const section = byId('request');
  if (world === undefined || returnUrl === undefined || !world.origins.includes(returnUrl.origin)) {
    current = undefined;
    section.hidden = true;
    status(text.unknownWorld ?? '');
    return;
  }
  current = { request, returnUrl };
  section.hidden = false;
  byId('request-world').textContent = (text.asks ?? '').replace('{world}', world.name);
  byId('request-claims').replaceChildren(
    ...(request.require.length === 0 ? [create('li', text.nothing)] : request.require.map((a) => create('li', a))),
  );
}

function present(): void {
  if (current === undefined) return;
  const credential = held(todayOf())[0];
  if (credential === undefined) {
    status(text.noCredential ?? '');
    return;
  }
  status(text.presenting ?? '');
  const { request, returnUrl } = current;
  const presentation = presentBlind(credential, request.world, request.nonce, request.require);
  const fragment = toBase64Url(new TextEncoder().encode(JSON.stringify(presentation)));
  g.location.assign(`${returnUrl.href.split('#')[0]}#presentation=${fragment}`);
}

/** Reads the fragment: on load, and again when only the fragment changes (the page is not reloaded then). */
function onFragment(): void {
  const request = requestOf(g.location.hash);
  if (request === null) status(text.badRequest ?? '');
  else if (request !== undefined) answer(request);
}

root.hidden = false;
show();
if (config.csrf !== null) {
  byId('refresh').addEventListener('click', (event) => {
    event.preventDefault();
    void refresh();
  });
}
byId('present').addEventListener('click', (event) => {
  event.preventDefault();
  present();
});
byId('cancel').addEventListener('click', (event) => {
  event.preventDefault();
  current = undefined;
  byId('request').hidden = true;
});
g.addEventListener('hashchange', onFragment);
onFragment();
