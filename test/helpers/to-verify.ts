/**
 * PATHWAY.md "Verification": what the spec marks "(to verify)" is never emitted (codes) or shown (sentences and
 * clauses). This reads the marks from the repo's copy of the spec itself (docs/PATHWAY.md), independently of
 * src/pathway, and checks one CDS Hooks response (cards of any hook, or discovery) against them. The jest setup
 * (test/helpers/jest-setup.ts) applies the check to every response the test suite's apps send.
 */
import { readFileSync } from 'node:fs';
import { toVerifyCodes } from '../../src/pathway/index.js';

const spec = readFileSync(new URL('../../docs/PATHWAY.md', import.meta.url), 'utf8');

const SYSTEM = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  icdo3: 'http://terminology.hl7.org/CodeSystem/icd-o-3',
  loinc: 'http://loinc.org',
  snomed: 'http://snomed.info/sct',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
} as const;

/** One marked code; `prefix` for ICD-10-CM categories written "C77.x" (every code under it). */
export interface MarkedCode {
  readonly system: string;
  readonly code: string;
  readonly prefix?: boolean;
}

const section = (from: string, to: string): string => {
  const start = spec.indexOf(from);
  if (start < 0) throw new Error(`PATHWAY.md has no "${from}"`);
  const end = spec.indexOf(to, start + from.length);
  return spec.slice(start, end < 0 ? undefined : end);
};

/** Splits at separators outside parentheses. */
function splitTopLevel(text: string, separators: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && separators.includes(ch)) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  return [...out, current];
}

/** The text outside parentheses. */
const outsideParentheses = (text: string): string => {
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
};

/** The system of a code token as §6/§7 write it, or undefined when the token is not a code. */
function systemOf(token: string, inDrugTable: boolean): MarkedCode | undefined {
  if (/^\d{4}\/\d$/.test(token)) return { system: SYSTEM.icdo3, code: token };
  const icd = /^(C\d\d)(\.x)?$/.exec(token);
  if (icd) return { system: SYSTEM.icd10cm, code: icd[1]!, ...(icd[2] ? { prefix: true } : {}) };
  if (/^\d{3,5}-\d$/.test(token)) return { system: SYSTEM.loinc, code: token };
  if (/^\d+$/.test(token))
    return inDrugTable
      ? { system: SYSTEM.rxnorm, code: token }
      : token.length >= 6
        ? { system: SYSTEM.snomed, code: token }
        : undefined;
  return undefined;
}

/**
 * Every code §6 (RxNorm column) and §7 mark "(to verify)": in a table cell or paragraph, each item (split at `;` and `,`
 * outside parentheses) that carries the mark marks its codes; a mark that says "each" marks every code of its `;` group.
 */
export function markedCodes(): MarkedCode[] {
  const out = new Map<string, MarkedCode>();
  const add = (c: MarkedCode): void => void out.set(`${c.system}|${c.code}`, c);
  const scan = (cell: string, inDrugTable: boolean): void => {
    for (const group of splitTopLevel(cell, ';')) {
      const items = splitTopLevel(group, ',');
      const each = items.some((i) => /\bto verify\b[^)]*\beach\b/.test(i));
      for (const item of items) {
        if (!each && !/\bto verify\b/.test(item)) continue;
        for (const token of outsideParentheses(item).split(/\s+/)) {
          const c = systemOf(token.replace(/[`.:]+$/, '').replace(/^`/, ''), inDrugTable);
          if (c) add(c);
        }
      }
    }
  };
  for (const row of section('## 6. Drugs', '## 7.')
    .split('\n')
    .filter((l) => l.startsWith('| '))) {
    const rxnorm = row.split('|')[2] ?? '';
    scan(rxnorm, true);
  }
  for (const line of section('## 7. Code sets', '## 8.').split('\n')) {
    if (line.startsWith('| '))
      line
        .split('|')
        .slice(1, 3)
        .forEach((cell) => scan(cell, false));
    else scan(line, false);
  }
  return [...out.values()];
}

/** Sentences of a spec text: split after . ! ? before a capital, a quote or a bracket. */
const sentencesOf = (text: string): string[] => text.split(/(?<=[.!?]["\]]?)\s+(?=["[A-Z])/u);

/**
 * Every clause the card-text sections mark "(to verify)" (§2 card statements, §4 notes and texts, §5 summaries and
 * details, §6 schedule texts): the words from the start of the clause (the sentence, or the part after its last `;`)
 * to the mark, without quotes. "(X (to verify))" marks X; "the card adds that X (to verify)" marks X.
 */
export function markedClauses(): string[] {
  // Wrapped prose lines joined (a table row, a bullet, a numbered item or a heading starts a new unit).
  const text = [section('## 2. Patient facts', '## 3.'), section('## 4. Nodes', '## 7.')]
    .join('\n')
    .replace(/\n(?![|#\n]|\s*- |\s*\d+\. )\s*/g, ' ');
  const units = text
    .split('\n')
    .flatMap((line) => [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).concat(line.split('|')));
  const out = new Set<string>();
  for (const unit of units) {
    for (const sentence of sentencesOf(unit)) {
      const parts = sentence.split(/\(to verify\)/);
      // A quote of the mark itself ('A sentence marked "(to verify)" is ...') marks nothing.
      for (const before of parts.slice(0, -1).filter((b) => !b.endsWith('"'))) {
        const nested = /\(([^()]*)\s*$/.exec(before);
        let clause = nested ? nested[1]! : (splitTopLevel(before, ';').at(-1) ?? before);
        clause = clause.replace(/[`"“”]/g, '').replace(/^[\s:.,]+|[\s:.,]+$/g, '');
        clause = clause.replace(/^.*\bthe card adds that\s+/, '').replace(/\s+there$/, '');
        // A fragment too short to be a statement, or a code with its note (§6 RxNorm column), is no clause.
        if (clause.length >= 12 && !/^\d/.test(clause)) out.add(clause);
      }
    }
  }
  // The shortest form of each: a clause read from a whole cell contains the one read from its quote.
  return [...out].filter((c) => ![...out].some((o) => o !== c && c.includes(o)));
}

/** Text as compared: case, markdown escapes and emphasis, quotes, superscripts and spacing do not matter. */
export const normalized = (s: string): string =>
  s
    .toLowerCase()
    .replace(/\\(.)/g, '$1')
    .replace(/[*_`"“”]/g, '')
    .replace(/²/g, '2')
    .replace(/\s+/g, ' ')
    .trim();

let cached: { codes: MarkedCode[]; clauses: string[] } | undefined;
/** The marks of the spec, read once per test file: the spec's codes together with those src/pathway marks. */
export function toVerifyMarks(): { readonly codes: readonly MarkedCode[]; readonly clauses: readonly string[] } {
  if (!cached) {
    const fromSrc: MarkedCode[] = toVerifyCodes().map((c) => ({
      system: c.system,
      code: c.code,
      ...(c.system === SYSTEM.icd10cm ? { prefix: true } : {}),
    }));
    const codes = new Map([...markedCodes(), ...fromSrc].map((c) => [`${c.system}|${c.code}`, c]));
    cached = { codes: [...codes.values()], clauses: markedClauses().map(normalized) };
  }
  return cached;
}

/** Every {system, code} pair anywhere in a JSON value. */
function codings(value: unknown, out: { system: string; code: string }[] = []): { system: string; code: string }[] {
  if (Array.isArray(value)) value.forEach((v) => codings(v, out));
  else if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if (typeof o.system === 'string' && typeof o.code === 'string') out.push({ system: o.system, code: o.code });
    Object.values(o).forEach((v) => codings(v, out));
  }
  return out;
}

/** Every string anywhere in a JSON value (summaries, details, labels, dosage and note texts, facts, descriptions). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/**
 * What a CDS response (`{cards}` of a hook, `{services}` of discovery) emits or shows that PATHWAY.md marks "(to
 * verify)": a marked code in any coding, a marked clause or the words "to verify" in any text. Empty when none.
 */
export function toVerifyProblems(body: unknown): string[] {
  const { codes, clauses } = toVerifyMarks();
  const problems: string[] = [];
  for (const c of codings(body)) {
    const hit = codes.find(
      (m) => m.system === c.system && (m.code === c.code || (m.prefix === true && c.code.startsWith(m.code))),
    );
    if (hit) problems.push(`emits a code marked (to verify): ${c.system}|${c.code}`);
  }
  for (const s of strings(body)) {
    const text = normalized(s);
    if (/\bto verify\b/.test(text)) problems.push(`shows "to verify": ${s.slice(0, 200)}`);
    for (const clause of clauses)
      if (text.includes(clause)) problems.push(`shows a clause marked (to verify): "${clause}"`);
  }
  return problems;
}
