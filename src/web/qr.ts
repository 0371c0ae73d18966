/**
 * QR codes drawn on the server as inline SVG (no image request, nothing external): the
 * modules come from `uqr`'s encoder (a small, dependency-free, maintained encoder); the
 * SVG is built here through the escaping `html` template, so no raw markup is involved.
 */
import { encode } from 'uqr';
import { html, type SafeHtml } from './html.ts';

/**
 * `text` as a QR code with the standard 4-module quiet zone, labelled for screen readers.
 * Long texts (an OpenID4VP request carries its whole query) use the lowest error
 * correction, so the code stays coarse enough for a phone to read off a screen.
 */
export function qrSvg(text: string, label: string): SafeHtml {
  const { data, size } = encode(text, { ecc: text.length > 300 ? 'L' : 'M', border: 4 });
  const path: string[] = [];
  data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return html`<figure class="qr"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img" aria-label="${label}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/><path fill="#000" d="${path.join('')}"/></svg></figure>`;
}
