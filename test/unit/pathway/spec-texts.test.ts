/**
 * The card words of src/pathway are PATHWAY.md 2026.12.1 verbatim (read from docs/PATHWAY.md): §4.1/§4.2 notes, §4.4
 * statements, §4.5 texts, §6 schedule texts. What a card shows of them is that text with the "(to verify)" sentences,
 * "(interpretation)" / "(label)" marks removed and the placeholders filled.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  ANTHRACYCLINE_CONTRAINDICATED_TEXT,
  CARD_TEXTS,
  DEFAULT_THRESHOLDS,
  NODES,
  SCHEDULE_TEXT,
  SPECIALTY_STATEMENTS,
  THRESHOLD_PHRASES,
  fillTemplate,
  nodeTitle,
  periodWords,
  scheduleText,
  shownText,
  withConfiguredThresholds,
  type NodeId,
} from '../../../src/pathway/index.js';

const spec = readFileSync(new URL('../../../docs/PATHWAY.md', import.meta.url), 'utf8');
const section = (from: string, to: string): string =>
  spec.slice(spec.indexOf(from), spec.indexOf(to, spec.indexOf(from)));
const rows = (text: string): string[][] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('| `') || l.startsWith('| '))
    .map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    );

describe('PATHWAY.md words, verbatim', () => {
  test('§4.1 and §4.2 notes and titles', () => {
    const table = rows(section('### 4.1', '### 4.3')).filter((r) => r[0]?.startsWith('`'));
    expect(table.length).toBe(16);
    for (const [idCell, title, , , , note] of table) {
      const id = idCell!.replace(/`/g, '') as NodeId;
      expect([id, NODES[id].title]).toEqual([id, title]);
      expect([id, NODES[id].note]).toEqual([id, note!.startsWith('§4.5') ? '§4.5' : note]);
    }
  });

  test('§4.5 texts', () => {
    for (const [idCell, cell] of rows(section('### 4.5', '## 5.')).filter((r) => r[0]?.startsWith('`'))) {
      const id = idCell!.replace(/`/g, '');
      if (id === 'D-ANTHRACYCLINE-CONTRAINDICATED') {
        for (const part of Object.values(ANTHRACYCLINE_CONTRAINDICATED_TEXT)) expect(cell).toContain(`"${part}"`);
      } else expect([id, `"${CARD_TEXTS[id as keyof typeof CARD_TEXTS] ?? ''}"`]).toEqual([id, cell]);
    }
  });

  test('§4.4 X-SPECIALTY statements', () => {
    const table = section('| histology | the `X-SPECIALTY`', '### 4.5');
    for (const row of new Set(Object.values(SPECIALTY_STATEMENTS))) {
      for (const s of row.statements) expect(table).toContain(`"${s}"`);
    }
  });

  test('§6 schedule texts, per node and drug', () => {
    const table = section('| key | RxNorm', '## 7.');
    const expected = new Map<string, string>();
    for (const [drug, , , texts] of rows(table)) {
      for (const m of (texts ?? '').matchAll(/`([A-Z0-9-]+)`: "([^"]+)"/g)) expected.set(`${m[1]}/${drug}`, m[2]!);
    }
    const actual = new Map<string, string>();
    for (const [node, byDrug] of Object.entries(SCHEDULE_TEXT)) {
      for (const [drug, text] of Object.entries(byDrug ?? {})) actual.set(`${node}/${drug}`, text);
    }
    expect(actual).toEqual(expected);
  });
});

describe('card form of the spec words', () => {
  test('drops (to verify) sentences and spec marks, keeps the rest', () => {
    expect(shownText(NODES['M-3L-ERIBULIN'].note)).toBe(
      'Improved overall survival over dacarbazine (13.5 vs 11.5 months); the benefit was confined to liposarcoma; FDA approval (2016) is for liposarcoma after an anthracycline. Blood counts before each dose.',
    );
    expect(shownText(NODES['L-RT-TRUNK'].note)).toBe('Used as for extremity STS.');
    expect(shownText('ESMO guidelines (year and citation to verify)')).toBe('ESMO guidelines');
  });

  test('fills §9 placeholders from the configured value, and refuses to leave one unfilled', () => {
    const t = { ...DEFAULT_THRESHOLDS, lvefMinPercent: 46 };
    const text = fillTemplate(ANTHRACYCLINE_CONTRAINDICATED_TEXT.lvef, t, {
      '<value>': '45',
      '<date>': '2026-11-10',
      '<resource>': 'Observation/x',
    });
    expect(text).toContain('is below 46 %');
    expect(text).not.toContain('50');
    expect(() => fillTemplate(ANTHRACYCLINE_CONTRAINDICATED_TEXT.lvef, t)).toThrow(/<value>/);
    expect(fillTemplate(NODES['L-NEOADJ-DOXO-IFOS'].note, { ...t, comboMaxTrialAge: 65 }, {}, [true])).toContain(
      'Age above 65:',
    );
  });
});

describe('§9 values the spec states in words', () => {
  const specWords = [
    ...Object.values(NODES).map((n) => n.title),
    ...Object.values(SCHEDULE_TEXT).flatMap((byDrug) => Object.values(byDrug ?? {})),
  ];

  test('each phrase is spec text at the §9 defaults, so the card form is verbatim there', () => {
    for (const p of THRESHOLD_PHRASES) {
      expect([p.phrase, specWords.some((w) => w.includes(p.phrase))]).toEqual([p.phrase, true]);
      expect(p.configured(DEFAULT_THRESHOLDS)).toBe(p.phrase);
    }
    for (const w of specWords) expect(withConfiguredThresholds(w, DEFAULT_THRESHOLDS)).toBe(w);
  });

  test('maintenance trabectedin: the title and the order text state the configured cycles and period', () => {
    const t = { ...DEFAULT_THRESHOLDS, maintenanceMaxCycles: 12, maintenanceMaxDays: 240 };
    expect(nodeTitle('M-LMS-TRAB-MAINT', t)).toBe('LMS: maintenance trabectedin, up to 240 days');
    expect(scheduleText('M-LMS-TRAB-MAINT', 'trabectedin', t)).toContain('for up to 12 cycles or 240 days after');
    expect(nodeTitle('M-LMS-TRAB-MAINT')).toBe(NODES['M-LMS-TRAB-MAINT'].title);
    expect([periodWords(365), periodWords(730), periodWords(200)]).toEqual(['1 year', '2 years', '200 days']);
  });
});
