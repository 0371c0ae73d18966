/**
 * Charts as server-rendered SVG: readable without JavaScript, no external assets, and
 * each one followed by its numbers as a table (for screen readers and for copying).
 * Presentation attributes only (no style attributes), so the strict CSP allows them.
 */
import { html, type SafeHtml } from './html.ts';
import type { Translator } from './i18n/index.ts';

export interface ChartPoint {
  label: string;
  value: number;
}

const W = 600;
const H = 220;
const PAD = { left: 56, right: 12, top: 12, bottom: 40 };

function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

function axis(t: Translator, max: number): SafeHtml {
  // Counts are whole numbers: a half-way line only where it is one.
  const ticks = [0, 0.5, 1]
    .filter((f) => Number.isInteger(max * f))
    .map((f) => {
      const y = PAD.top + (1 - f) * (H - PAD.top - PAD.bottom);
      return html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}" stroke="currentColor" stroke-opacity="0.2"/><text x="${PAD.left - 6}" y="${y + 4}" text-anchor="end" font-size="12" fill="currentColor">${t.number(max * f)}</text>`;
    });
  return html`${ticks}`;
}

function dataTable(t: Translator, caption: string, head: [string, string], points: readonly ChartPoint[]): SafeHtml {
  return html`<details><summary>${t.m.charts.numbers(caption)}</summary><table><thead><tr><th scope="col">${head[0]}</th><th scope="col">${head[1]}</th></tr></thead><tbody>${points.map(
    (p) => html`<tr><td>${p.label}</td><td>${t.number(p.value)}</td></tr>`,
  )}</tbody></table></details>`;
}

/** A line of values over time (labels are dates, oldest first). */
export function lineChart(t: Translator, title: string, head: [string, string], points: readonly ChartPoint[]): SafeHtml {
  if (points.length === 0) return html`<p>${t.m.charts.noData(title)}</p>`;
  const max = niceMax(Math.max(...points.map((p) => p.value)));
  const span = W - PAD.left - PAD.right;
  const x = (i: number) => PAD.left + (points.length === 1 ? span / 2 : (i / (points.length - 1)) * span);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const first = points[0] as ChartPoint;
  const last = points[points.length - 1] as ChartPoint;
  const summary = t.m.charts.lineSummary(title, t.number(first.value), first.label, t.number(last.value), last.label);
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${summary}"><title>${summary}</title>${axis(t, max)}<path d="${path}" fill="none" stroke="#1d4e89" stroke-width="3"/>${points.map(
    (p, i) => html`<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="#1d4e89"/>`,
  )}<text x="${PAD.left}" y="${H - 12}" font-size="12" fill="currentColor">${first.label}</text><text x="${W - PAD.right}" y="${H - 12}" text-anchor="end" font-size="12" fill="currentColor">${last.label}</text></svg><figcaption>${title}</figcaption></figure>
${dataTable(t, title, head, points)}`;
}

/** Bars, one per category. */
export function barChart(t: Translator, title: string, head: [string, string], points: readonly ChartPoint[]): SafeHtml {
  if (points.length === 0) return html`<p>${t.m.charts.noData(title)}</p>`;
  const max = niceMax(Math.max(...points.map((p) => p.value)));
  const span = W - PAD.left - PAD.right;
  const slot = span / points.length;
  const barW = Math.max(4, slot * 0.6);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const base = H - PAD.bottom;
  const summary = `${title}: ${t.list(points.map((p) => `${p.label} ${t.number(p.value)}`))}`;
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${summary}"><title>${summary}</title>${axis(t, max)}${points.map(
    (p, i) => {
      const cx = PAD.left + slot * i + slot / 2;
      const top = y(p.value);
      return html`<rect x="${(cx - barW / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${(base - top).toFixed(1)}" fill="#1d4e89"/><text x="${cx.toFixed(1)}" y="${(top - 4).toFixed(1)}" text-anchor="middle" font-size="12" fill="currentColor">${t.number(p.value)}</text><text x="${cx.toFixed(1)}" y="${H - 20}" text-anchor="middle" font-size="11" fill="currentColor">${p.label}</text>`;
    },
  )}</svg><figcaption>${title}</figcaption></figure>
${dataTable(t, title, head, points)}`;
}
