/**
 * The front page: what this mvid is and where each audience goes next — people to their
 * account, worlds to the integration guide and discovery, auditors to the log and the
 * transparency report. It shows counts only; nothing about any person.
 */
import { html } from './html.ts';
import type { Translator } from './i18n/index.ts';
import { page } from './layout.ts';

export interface HomePageInput {
  t: Translator;
  nonce: string;
  publicUrl: string;
  engine: string;
  logSize: number | undefined;
  version: string;
}

export function renderHome({ t, nonce, publicUrl, engine, logSize, version }: HomePageInput): string {
  const m = t.m.home;
  const body = html`
<h1>mvid</h1>
<p>${m.intro}</p>

<h2>${m.people}</h2>
<ul>
<li>${m.enrol}</li>
<li>${m.account}</li>
<li>${m.wallet}</li>
</ul>

<h2>${m.worlds}</h2>
<ul>
<li>${m.discovery(publicUrl)}</li>
<li>${m.issuer}</li>
<li>${m.api}</li>
</ul>

<h2>${m.auditors}</h2>
<ul>
<li>${m.log(logSize, publicUrl)}</li>
<li>${m.transparency}</li>
</ul>

<h2>${m.others}</h2>
<ul>
<li>${m.trustee}</li>
<li>${m.authority}</li>
<li>${m.operator}</li>
</ul>

<p><small>${m.footer(version, engine)}</small></p>`;
  return page({ t, title: m.title, nonce, body });
}
