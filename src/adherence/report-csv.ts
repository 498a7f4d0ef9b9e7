/**
 * GET /adherence.csv: the report as one table (section, key, label, count, total, rate), for a spreadsheet.
 */
import type { AdherenceReport } from './report.js';

type Cell = string | number | null;

/** RFC 4180 quoting; a cell starting with = + - @ is prefixed with ' so a spreadsheet does not run it as a formula. */
const cell = (v: Cell): string => {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const HEADER: readonly string[] = ['section', 'key', 'label', 'count', 'total', 'rate'];

/** The report's rows, one section after the other. */
export function reportCsv(r: AdherenceReport): string {
  const rows: Cell[][] = [
    ['totals', 'responses', 'hook responses', r.totals.responses, null, null],
    ['totals', 'patients', 'distinct patients (pseudonyms)', r.totals.patients, null, null],
    ['totals', 'cards', 'cards shown', r.totals.cards, null, null],
    ['totals', 'feedback', 'feedback entries', r.totals.feedback, null, null],
    ['totals', 'unmatched-feedback', 'feedback for a card without a record', r.totals.unmatchedFeedback, null, null],
    ...r.weekly.map((w) => [
      'weekly-on-pathway',
      w.week,
      'signed anticancer drugs on the pathway',
      w.onPathway,
      w.signed,
      w.share,
    ]),
    ...r.weekly.flatMap((w) =>
      Object.entries(w.byClassification).map(([c, n]) => ['weekly-classification', w.week, c, n, w.signed, null]),
    ),
    ...r.overridesByReason.map((o) => ['overrides-by-reason', o.code ?? '', o.display, o.count, null, null]),
    ...r.overridesByTopic.map((o) => ['overrides-by-topic', o.topic, o.title, o.overridden, o.shown, o.rate]),
    ...r.acceptance.map((a) => ['suggestion-acceptance', a.node, a.title, a.accepted, a.withSuggestions, a.rate]),
    ...r.offPathwayDrugs.map((d) => ['off-pathway-drugs', d.drug, d.drug, d.count, null, null]),
    ...r.safetyRules.map((s) => ['safety-rules', s.rule, s.title, s.fired, null, null]),
    ...r.safetyRules.map((s) => ['safety-rule-overrides', s.rule, s.title, s.overridden, s.fired, s.rate]),
  ];
  return [HEADER, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
