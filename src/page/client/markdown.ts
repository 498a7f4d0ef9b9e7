/**
 * A small, safe markdown renderer for card `detail` (CDS Hooks: GitHub-flavoured markdown): paragraphs, bullet and
 * numbered lists, bold, italics, inline code, backslash escapes and links with http(s) targets only. The source is
 * parsed into a tree first (pure, testable without a DOM), then built with `createElement`/`textContent`: card text is
 * never handed to an HTML parser, which is stronger than escaping it and re-parsing.
 */

export type Inline =
  | { readonly t: 'text'; readonly v: string }
  | { readonly t: 'code'; readonly v: string }
  | { readonly t: 'strong' | 'em'; readonly c: readonly Inline[] }
  | { readonly t: 'link'; readonly href: string; readonly c: readonly Inline[] };

export type Block =
  | { readonly t: 'p'; readonly c: readonly Inline[] }
  | { readonly t: 'ul' | 'ol'; readonly items: readonly (readonly Inline[])[] };

const PUNCT = /[!-/:-@[-`{-~]/;

/** A link target we follow: absolute http(s) only (no javascript:, data:, relative or protocol-relative URLs). */
export function safeHref(raw: string): string | undefined {
  if (!/^https?:\/\//i.test(raw.trim())) return undefined;
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Index of the closing delimiter from `from`, skipping backslash escapes; -1 if none. */
function findClose(s: string, delim: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') {
      i++;
      continue;
    }
    if (s.startsWith(delim, i)) return i;
  }
  return -1;
}

/** Index of the `)` closing a link target that starts at `from` (balanced parentheses inside); -1 if none. */
function closingParen(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && depth-- === 0) return i;
  }
  return -1;
}

/** Parses one line or paragraph of inline markdown. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') out.push({ t: 'text', v: text });
    text = '';
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    const next = s[i + 1] ?? '';
    if (ch === '\\' && PUNCT.test(next)) {
      text += next;
      i++;
    } else if (ch === '`') {
      const end = s.indexOf('`', i + 1);
      if (end < 0) text += ch;
      else {
        flush();
        out.push({ t: 'code', v: s.slice(i + 1, end) });
        i = end;
      }
    } else if ((ch === '*' || ch === '_') && next === ch) {
      const end = findClose(s, ch + ch, i + 2);
      if (end < 0) text += ch + ch;
      else {
        flush();
        out.push({ t: 'strong', c: parseInline(s.slice(i + 2, end)) });
        i = end + 1;
        continue;
      }
      i++;
    } else if ((ch === '*' || ch === '_') && next !== ' ' && next !== '') {
      const end = findClose(s, ch, i + 1);
      // `_` inside a word (snake_case) is not emphasis.
      const wordBefore = ch === '_' && /[\p{L}\p{N}]/u.test(s[i - 1] ?? '');
      if (end < 0 || wordBefore) text += ch;
      else {
        flush();
        out.push({ t: 'em', c: parseInline(s.slice(i + 1, end)) });
        i = end;
      }
    } else if (ch === '[') {
      const mid = findClose(s, '](', i + 1);
      const end = mid < 0 ? -1 : closingParen(s, mid + 2);
      if (mid < 0 || end < 0) text += ch;
      else {
        flush();
        const label = parseInline(s.slice(i + 1, mid));
        const href = safeHref(s.slice(mid + 2, end));
        if (href) out.push({ t: 'link', href, c: label });
        else out.push(...label);
        i = end;
      }
    } else text += ch;
  }
  flush();
  return out;
}

/** Parses markdown into paragraphs and lists (other block syntax is kept as paragraph text). */
export function parseMarkdown(src: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { t: 'ul' | 'ol'; items: Inline[][] } | undefined;
  const endPara = (): void => {
    if (para.length > 0) blocks.push({ t: 'p', c: parseInline(para.join(' ')) });
    para = [];
  };
  const endList = (): void => {
    if (list) blocks.push(list);
    list = undefined;
  };
  for (const raw of src.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d{1,3}[.)]\s+(.*)$/.exec(line);
    const item = bullet ?? numbered;
    if (line.trim() === '') {
      endPara();
      endList();
    } else if (item) {
      endPara();
      const kind = bullet ? 'ul' : 'ol';
      if (list?.t !== kind) {
        endList();
        list = { t: kind, items: [] };
      }
      list.items.push(parseInline(item[1] ?? ''));
    } else if (list && /^\s{2,}\S/.test(raw)) {
      // An indented continuation line belongs to the last list item.
      list.items[list.items.length - 1]?.push({ t: 'text', v: ` ${line.trim()}` });
    } else {
      endList();
      // Headings render as bold paragraphs.
      const heading = /^#{1,6}\s+(.*)$/.exec(line);
      if (heading) {
        endPara();
        blocks.push({ t: 'p', c: [{ t: 'strong', c: parseInline(heading[1] ?? '') }] });
      } else para.push(line.trim());
    }
  }
  endPara();
  endList();
  return blocks;
}

function renderInline(nodes: readonly Inline[], into: HTMLElement): void {
  for (const n of nodes) {
    if (n.t === 'text') into.append(document.createTextNode(n.v));
    else if (n.t === 'code') {
      const code = document.createElement('code');
      code.textContent = n.v;
      into.append(code);
    } else if (n.t === 'link') {
      const a = document.createElement('a');
      a.href = n.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      renderInline(n.c, a);
      into.append(a);
    } else {
      const node = document.createElement(n.t);
      renderInline(n.c, node);
      into.append(node);
    }
  }
}

/** Renders markdown into a fresh container element. */
export function renderMarkdown(src: string): HTMLDivElement {
  const root = document.createElement('div');
  for (const b of parseMarkdown(src)) {
    if (b.t === 'p') {
      const p = document.createElement('p');
      renderInline(b.c, p);
      root.append(p);
    } else {
      const list = document.createElement(b.t);
      for (const item of b.items) {
        const li = document.createElement('li');
        renderInline(item, li);
        list.append(li);
      }
      root.append(list);
    }
  }
  return root;
}
