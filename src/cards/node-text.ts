/**
 * The text of a node's card: its §4.1/§4.2 note, or its §4.5 / §4.4 words with the placeholders filled from the facts
 * and the configured §9 thresholds (src/pathway/card-words.ts). Every text passes through shownText, so a sentence
 * PATHWAY.md marks "(to verify)" is never shown.
 */
import type { FactEntry } from './worded.js';
import {
  ANTHRACYCLINE_CONTRAINDICATED_TEXT,
  CARD_TEXTS,
  HISTOLOGY_CODES,
  NODES,
  SPECIALTY_OPENING,
  SPECIALTY_STATEMENTS,
  SPECIALTY_UNKNOWN_ROW,
  UNDATED_CURRENT,
  fillTemplate,
  shownText,
  type EvidenceKey,
  type HistologyClass,
  type NodeId,
  type Slots,
  type Thresholds,
  nodeTitle,
} from '../pathway/index.js';
import { ageYears, fact, histologyCode, lineOf, numberIn } from './facts-view.js';
import { specialtyOf, trialTerm } from './evidence.js';
import { escapeMarkdown } from './text.js';

/** The prose and extra evidence of a node's card. */
export interface NodeText {
  readonly text: string;
  readonly evidence: readonly EvidenceKey[];
}

/** What a text builder reads. */
interface TextInput {
  readonly facts: readonly FactEntry[];
  readonly rules: readonly string[];
  readonly notes: readonly string[];
  readonly thresholds: Thresholds;
}

const md = (s: string | undefined, fallback: string): string => escapeMarkdown(s ?? fallback);

/** The histology class of the patient's ICD-O-3 code, if it is one of §7.2. */
function histologyClass(facts: readonly FactEntry[]): HistologyClass | undefined {
  const code = histologyCode(facts)?.code;
  return (Object.keys(HISTOLOGY_CODES) as HistologyClass[]).find((k) =>
    HISTOLOGY_CODES[k].some((d) => d.code === code),
  );
}

/** §3 step 7: the nodes of a metastatic line for a histology (CURRENT-OFF-PATHWAY names them). */
function lineNodes(line: string | undefined, cls: HistologyClass | undefined): NodeId[] {
  if (line === '1') return cls === 'LMS' ? ['M-LMS-1L-DOXO-TRAB', 'M-1L-DOXO'] : ['M-1L-DOXO'];
  if (line === '2') return ['M-2L-GEM-DOCE'];
  const later: NodeId[] = [];
  if (cls === 'LMS' || cls === 'LPS') later.push('M-3L-TRABECTEDIN');
  if (cls !== 'LPS') later.push('M-3L-PAZOPANIB');
  if (cls === 'LPS') later.push('M-3L-ERIBULIN');
  return later;
}

/** "Condition" could not be read: <reason>: the types and reasons of the unavailable facts (§2). */
function unreadable(facts: readonly FactEntry[]): { types: string[]; reasons: string[] } {
  const types: string[] = [];
  const reasons: string[] = [];
  for (const f of facts) {
    const m = /^unavailable \((\w+) could not be read: (.*)\)$/.exec(f.value);
    if (m === null || types.includes(m[1]!)) continue;
    types.push(m[1]!);
    reasons.push(m[2]!);
  }
  return { types, reasons };
}

/** §4.5 CURRENT-OFF-PATHWAY "(last given <date>)", or why there is no date (F5 undated exposures). */
function lastGiven(value: string | undefined): string {
  const date = /^\d{4}(-\d{2}){0,2}/.exec(value ?? '')?.[0];
  if (date !== undefined) return ` (last given ${date})`;
  return value !== undefined ? ` (${UNDATED_CURRENT})` : '';
}

const filled = (id: keyof typeof CARD_TEXTS, t: TextInput, slots: Slots, keep: readonly boolean[] = []): string =>
  shownText(fillTemplate(CARD_TEXTS[id] ?? '', t.thresholds, slots, keep));

type TextBuilder = (t: TextInput) => string | NodeText;

const CARD_TEXT: Partial<Record<string, TextBuilder>> = {
  'D-UNCONFIRMED': (t) => {
    const value = fact(t.facts, /^STS Conditions?$/)?.value ?? '';
    const statuses = [...new Set(value.match(/provisional|differential|unconfirmed/g) ?? [])];
    return filled('D-UNCONFIRMED', t, {
      '<provisional / differential / unconfirmed>': statuses.join(' and ') || 'unconfirmed',
    });
  },
  'D-MISSING-HISTOLOGY': (t) => filled('D-MISSING-HISTOLOGY', t, {}),
  'D-HISTOLOGY-CONFLICT': (t) => {
    // The Histology fact names each finding as "<display> (<code>, <Condition>[, <Observation>], <date>)", joined with
    // "and" (fact-entries.ts); the card text keeps the §4.5 shape, the Observation that gave a finding stays under "Based on".
    const value =
      fact(t.facts, /^Histology$/)
        ?.value.replace(/^conflict: /, '')
        .replace(/, Observation\/[^,()]+(?=, )/g, '') ?? 'two subtypes';
    return filled('D-HISTOLOGY-CONFLICT', t, {
      '<A> (<code>, <Condition>, <date>) and <B> (<code>, <Condition>, <date>)': escapeMarkdown(value),
    });
  },
  'D-MISSING-EXTENT': (t) => {
    const code = histologyCode(t.facts)?.code;
    return filled('D-MISSING-EXTENT', t, {}, [
      code === '8852/3' || code === '8853/3',
      fact(t.facts, /^Ignored/) !== undefined,
    ]);
  },
  'CURRENT-OFF-PATHWAY': (t) => {
    const current = fact(t.facts, /^Current regimen$/);
    const line = lineOf(t.facts);
    const titles = lineNodes(line, histologyClass(t.facts)).map((id) => nodeTitle(id, t.thresholds));
    return filled(
      'CURRENT-OFF-PATHWAY',
      t,
      {
        '<drugs>': md(current?.value, 'the current regimen'),
        ' since <start>': current?.date !== undefined ? ` since ${current.date}` : '',
        // F5: a regimen current only through an undated active statement or order has no date given.
        ' (last given <date>)': lastGiven(fact(t.facts, /^Current regimen last given$/)?.value),
        '<n>': line ?? 'unknown',
        '<titles>': titles.length > 0 ? titles.join('; ') : 'none for this histology',
      },
      [/epirubicin/i.test(current?.value ?? '')],
    );
  },
  'D-DATA-UNAVAILABLE': (t) => {
    const { types, reasons } = unreadable(t.facts);
    return filled('D-DATA-UNAVAILABLE', t, {
      '<resource types>': `${types.join(', ') || 'patient'} records`,
      '<reason>': escapeMarkdown(reasons.join('; ') || 'unknown reason'),
    });
  },
  'D-ANTHRACYCLINE-CONTRAINDICATED': (t) => {
    const parts: string[] = [];
    const lvef = fact(t.facts, /^LVEF$/);
    if (t.rules.includes('S-DOXO-LVEF')) {
      parts.push(
        fillTemplate(ANTHRACYCLINE_CONTRAINDICATED_TEXT.lvef, t.thresholds, {
          // The fact's value as shown ("<50 %", "45 %"): its number with the comparator it was recorded with.
          '<value>': /^[<>]=?\d+(?:\.\d+)?/.exec(lvef?.value ?? '')?.[0] ?? String(numberIn(lvef?.value) ?? 'unknown'),
          '<date>': lvef?.date ?? 'date unknown',
          '<resource>': lvef?.reference ?? 'resource unknown',
        }),
      );
    }
    if (t.rules.includes('S-DOXO-CUMULATIVE')) {
      const n = numberIn(fact(t.facts, /^Cumulative doxorubicin$/)?.value);
      parts.push(
        fillTemplate(ANTHRACYCLINE_CONTRAINDICATED_TEXT.cumulative, t.thresholds, { '<N>': String(n ?? 'unknown') }),
      );
    }
    parts.push(ANTHRACYCLINE_CONTRAINDICATED_TEXT.modifiers);
    if (/^metastatic/.test(fact(t.facts, /^Extent$/)?.value ?? ''))
      parts.push(ANTHRACYCLINE_CONTRAINDICATED_TEXT.metastatic);
    return { text: shownText(parts.join(' ')), evidence: ['DOXORUBICIN-LABEL', 'ANNOUNCE'] };
  },
  'L-POST-RESECTION': (t) => {
    const surgery = fact(t.facts, /^Surgery$/);
    const rt = fact(t.facts, /^Radiotherapy$/);
    return filled(
      'L-POST-RESECTION',
      t,
      {
        '<date>': surgery?.date ?? 'date unknown',
        '<procedure>': surgery?.reference ?? 'procedure',
        '<given on <date> / not recorded>':
          rt?.value === 'done' ? `given on ${rt.date ?? 'an unknown date'}` : 'not recorded',
      },
      [t.notes.some((n) => /pembrolizumab/i.test(n))],
    );
  },
  'L-OTHER-SITE': (t) => {
    const coding = fact(t.facts, /^Primary site$/)?.code;
    // §4.5 "<ICD-10-CM display> (<code>)": the display recorded with the code; without one, the code alone.
    const words =
      coding === undefined
        ? 'outside the soft-tissue codes'
        : coding.display !== undefined
          ? `${escapeMarkdown(coding.display)} (${escapeMarkdown(coding.code)})`
          : `coded ${escapeMarkdown(coding.code)}`;
    return filled('L-OTHER-SITE', t, { '<ICD-10-CM display> (<code>)': words });
  },
  'M-TRIAL': (t) =>
    filled('M-TRIAL', t, { '<trial term>': escapeMarkdown(trialTerm(t.facts)) }, [lineOf(t.facts) === '3+']),
  'X-PEDIATRIC': (t) =>
    filled('X-PEDIATRIC', t, { '<age>': ageYears(t.facts) !== undefined ? `${ageYears(t.facts)}` : 'under 18' }),
  'X-UNCOVERED': (t) => {
    const h = histologyCode(t.facts);
    return filled('X-UNCOVERED', t, {
      '<display>': escapeMarkdown(h?.display ?? (h !== undefined ? `ICD-O-3 ${h.code}` : 'This histology')),
      '<code>': escapeMarkdown(h?.code ?? 'code unknown'),
    });
  },
  'X-SPECIALTY': (t) => {
    const kind = specialtyOf(t.facts);
    if (kind === undefined) return `${SPECIALTY_OPENING} ${SPECIALTY_UNKNOWN_ROW}.`;
    const row = SPECIALTY_STATEMENTS[kind];
    return { text: shownText([SPECIALTY_OPENING, ...row.statements].join(' ')), evidence: row.evidence };
  },
};

/** The §4 note of a regimen or localized node in card form, with its conditional parts. */
function noteText(id: NodeId, t: TextInput): string {
  const note = NODES[id].note;
  // Order-time nodes (OFF-PATHWAY, POSITION-UNKNOWN) describe their card in the note: built by src/cards/order-cards.ts.
  if (NODES[id].kind === 'order') return shownText(note);
  // L-NEOADJ-DOXO-IFOS: the bracketed age sentence holds above comboMaxTrialAge (S-COMBO-AGE patient-view effect).
  const age = ageYears(t.facts);
  return shownText(fillTemplate(note, t.thresholds, {}, [age !== undefined && age > t.thresholds.comboMaxTrialAge]));
}

/** The card text for a node and the evidence it cites. */
export function nodeText(id: NodeId, input: TextInput): NodeText {
  const custom = CARD_TEXT[id]?.(input);
  if (custom === undefined) return { text: noteText(id, input), evidence: NODES[id].evidence };
  if (typeof custom === 'string') return { text: custom, evidence: NODES[id].evidence };
  return { text: custom.text, evidence: [...NODES[id].evidence, ...custom.evidence] };
}
