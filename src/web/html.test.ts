import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { html, joinHtml, SafeHtml, safeUrl, unsafeRaw } from './html.ts';

it('escapes every interpolated string, number and array element', () => {
  const name = '<script>alert(1)</script>';
  const out = html`<p title="${'"onerror="x'}">${name} ${1} ${['<b>', "'"]}</p>`.toString();
  assert.equal(out, '<p title="&quot;onerror=&quot;x">&lt;script&gt;alert(1)&lt;/script&gt; 1 &lt;b&gt;&#39;</p>');
});

it('nests fragments unescaped, and drops null, undefined and false', () => {
  const inner = html`<b>${'&'}</b>`;
  assert.equal(html`<p>${inner}${null}${undefined}${false}${0}</p>`.toString(), '<p><b>&amp;</b>0</p>');
  assert.equal(joinHtml([html`<i>a</i>`, 'b<'], html`<br>`).toString(), '<i>a</i><br>b&lt;');
});

it('makes raw HTML only through unsafeRaw, never through new or a look-alike object', () => {
  assert.equal(html`${unsafeRaw('<hr>')}`.toString(), '<hr>');
  assert.throws(() => new SafeHtml(Symbol('SafeHtml'), '<script>'), TypeError);
  const forged = { toString: () => '<script>' } as unknown as string;
  assert.equal(html`${forged}`.toString(), '&lt;script&gt;');
});

it('never lets a string out with a character that could open a tag or close an attribute', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      assert.doesNotMatch(html`${s}`.toString(), /[<>"']/);
    }),
  );
});

it('keeps only http(s) and same-server URLs for links', () => {
  assert.equal(safeUrl('https://world.example/privacy'), 'https://world.example/privacy');
  assert.equal(safeUrl('/account'), '/account');
  for (const bad of [
    'javascript:alert(1)',
    ' JavaScript:alert(1)',
    'data:text/html,<script>',
    '//evil.example',
    'vbscript:x',
    'not a url',
  ]) {
    assert.equal(safeUrl(bad), '#', bad);
  }
});
