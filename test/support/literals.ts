/**
 * The string and template literals of a TypeScript module, for heuristic scans of the text
 * a page shows (test/i18n.test.ts). A small scanner, not a parser: it knows strings,
 * templates (with `${}` holes, nested templates and their tag), comments and regular
 * expression literals (by the usual rule: a `/` where an operand is expected), which is
 * all mvid's page modules need. The TypeScript package here is the native compiler, with
 * no JavaScript API to parse with.
 */

export type Literal = { kind: 'string'; text: string } | { kind: 'template'; tag: string | undefined; parts: string[] };

/** Keywords after which a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'in', 'of', 'delete', 'void', 'throw', 'new', 'yield', 'await']);

export function literals(src: string): Literal[] {
  const out: Literal[] = [];
  scanCode(src, 0, out, false);
  return out;
}

function scanCode(src: string, start: number, out: Literal[], untilBrace: boolean): number {
  let i = start;
  let depth = 0;
  let operandExpected = true;
  let word = '';
  let wordEnd = -1;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (c === '"' || c === "'") {
      let text = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          text += src.slice(i, i + 2);
          i += 2;
        } else text += src[i++];
      }
      i++;
      out.push({ kind: 'string', text });
      operandExpected = false;
    } else if (c === '`') {
      i = scanTemplate(src, i + 1, out, wordEnd === i ? word : undefined);
      operandExpected = false;
    } else if (c === '/' && operandExpected) {
      i++;
      let inClass = false;
      while (i < src.length && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (/[a-z]/.test(src[i] ?? '')) i++;
      operandExpected = false;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[\w$]+/.exec(src.slice(i)) as RegExpExecArray;
      word = m[0];
      i += word.length;
      wordEnd = i;
      operandExpected = REGEX_AFTER_WORD.has(word);
    } else if (/\d/.test(c)) {
      while (/[\w.]/.test(src[i] ?? '')) i++;
      operandExpected = false;
    } else {
      if (c === '{') depth++;
      if (c === '}') {
        if (untilBrace && depth === 0) return i + 1;
        depth--;
      }
      operandExpected = c !== ')' && c !== ']' && c !== '}';
      i++;
    }
  }
  return i;
}

function scanTemplate(src: string, start: number, out: Literal[], tag: string | undefined): number {
  const parts: string[] = [];
  let current = '';
  let i = start;
  while (i < src.length && src[i] !== '`') {
    if (src[i] === '\\') {
      current += src.slice(i, i + 2);
      i += 2;
    } else if (src.startsWith('${', i)) {
      parts.push(current);
      current = '';
      i = scanCode(src, i + 2, out, true);
    } else current += src[i++];
  }
  parts.push(current);
  out.push({ kind: 'template', tag, parts });
  return i + 1;
}
