/**
 * The facts a card shows (issue 16 item 4, PATHWAY.md §1 "Facts"): the few that decided that card, in the words a
 * clinician uses, plus those §1 puts on every card (anything unavailable or incomplete, age not found, treatment
 * history unavailable or incomplete, undated or unrecognized exposures, evidence of another primary). The full list
 * stays machine-readable in the facts extension.
 */
import type { FactEntry } from './worded.js';
import { BILIRUBIN_RULE_DRUGS, DRUGS, DRUG_KEYS, NODES, SYSTEMS, type NodeId } from '../pathway/index.js';
import type { NodeRole } from '../cql/decision.js';
import { escapeMarkdown } from './text.js';

/** The first fact whose name matches. */
export const fact = (facts: readonly FactEntry[], name: RegExp): FactEntry | undefined =>
  facts.find((f) => name.test(f.fact));

/** The ICD-O-3 histology coding among the facts, if any. */
export const histologyCode = (facts: readonly FactEntry[]): { code: string; display?: string } | undefined =>
  facts.find((x) => x.code?.system === SYSTEMS.icdo3)?.code;

/** The first number of a value ("60 %" -> 60, "at least 300 mg/m2" -> 300). */
export function numberIn(value: string | undefined): number | undefined {
  const m = /-?\d+(?:\.\d+)?/.exec(value ?? '');
  return m === null ? undefined : Number(m[0]);
}

/** The metastatic line as shown: "1", "2", "3+", or undefined when not computed. */
export const lineOf = (facts: readonly FactEntry[]): string | undefined =>
  /^(\d\+?)/.exec(fact(facts, /^Line of therapy$/)?.value ?? '')?.[1];

/** The age in years, when known. */
export function ageYears(facts: readonly FactEntry[]): number | undefined {
  const m = /^(\d+) years$/.exec(fact(facts, /^Age$/)?.value ?? '');
  return m === null ? undefined : Number(m[1]);
}

/** A fact every card carries (§1): something could not be read or is incomplete, or must not go unnoticed. */
export function isAlwaysShown(f: FactEntry): boolean {
  if (/^unavailable\b|\bincomplete\b/i.test(f.value)) return true;
  if (f.fact === 'Age' && /^not found/.test(f.value)) return true;
  // F1: several STS Conditions are merged, and every card lists the Conditions used.
  return /^(Treatment history|Undated exposures|Unrecognized medications|Ignored|Nodal disease|Second primary|STS Conditions$)/.test(
    f.fact,
  );
}

const ANTHRACYCLINE_NAMES = new RegExp(`\\b(${DRUG_KEYS.filter((k) => DRUGS[k].anthracycline).join('|')})\\b`);

const HISTORY = ['Current regimen', 'Line of therapy', 'Prior regimen last exposure'];
const CARDIAC = ['LVEF', 'Cumulative doxorubicin'];

/**
 * The facts that decide a node's card, by name. §5 S-BILIRUBIN-HIGH's patient-view effect is "a fact on the regimen
 * node's card": a node with a drug of that rule lists the total bilirubin (not as a next step: that card is about the
 * line after this one).
 */
function decidingFacts(id: NodeId, role: NodeRole): readonly string[] {
  const names = nodeFacts(id, role);
  const checksBilirubin = role !== 'next' && NODES[id].drugs.some((d) => BILIRUBIN_RULE_DRUGS.includes(d));
  return checksBilirubin ? [...names, 'Total bilirubin'] : names;
}

function nodeFacts(id: NodeId, role: NodeRole): readonly string[] {
  const drugs = NODES[id].drugs;
  const cardiac = drugs.includes('doxorubicin') ? CARDIAC : drugs.includes('trabectedin') ? ['LVEF'] : [];
  // A next-step card is about the line after this one: the current line would read wrong on it ("Second line" with
  // "Line of therapy: 1"), so it shows the current regimen only.
  // F10: the disease status decides the later-line wording and maintenance, and names a progression on a next step.
  const history =
    role === 'next'
      ? ['Current regimen', 'Disease status']
      : role === 'current'
        ? ['Current regimen', 'Line of therapy', ...(id === 'M-LMS-TRAB-MAINT' ? ['Disease status'] : [])]
        : role === 'later-line'
          ? [...HISTORY, 'Disease status']
          : HISTORY;
  switch (id) {
    case 'D-UNCONFIRMED':
      return ['STS Condition', 'STS Conditions'];
    case 'D-MISSING-HISTOLOGY':
    case 'D-HISTOLOGY-CONFLICT':
    case 'X-UNCOVERED':
    case 'X-SPECIALTY':
      return ['Histology', 'STS Condition', 'STS Conditions'];
    case 'D-MISSING-EXTENT':
      return ['Histology', 'Extent'];
    case 'X-PEDIATRIC':
      return ['Age', 'Histology'];
    case 'CURRENT-OFF-PATHWAY':
      return ['Histology', 'Current regimen', 'Line of therapy'];
    case 'D-DATA-UNAVAILABLE':
      return [];
    case 'D-ANTHRACYCLINE-CONTRAINDICATED':
      return ['Histology', 'Extent', ...CARDIAC];
    case 'M-TRIAL':
      return ['Histology', 'Line of therapy'];
    case 'L-SURGERY':
    case 'L-RT-EXTREMITY':
    case 'L-RT-TRUNK':
    case 'L-RT-RETROPERITONEAL':
    case 'L-OTHER-SITE':
      return ['Histology', 'Extent', 'Primary site'];
    case 'L-POST-RESECTION':
      return ['Histology', 'Extent', 'Surgery', 'Radiotherapy'];
    case 'L-NEOADJ-DOXO-IFOS':
      return ['Histology', 'Primary site', 'Grade', 'Age', 'ECOG', ...CARDIAC];
    // F6: a regimen card shows the ECOG (an old one "not recent: reassess performance status").
    case 'L-NEOADJ-UPS-PEMBRO-RT':
      return ['Histology', 'Primary site', 'Grade', 'Radiotherapy', 'ECOG'];
    default:
      return ['Histology', 'Extent', ...history, 'ECOG', ...cardiac];
  }
}

/** The facts a node's card shows, in the order of the decision's list. */
export function cardFacts(id: NodeId, role: NodeRole, facts: readonly FactEntry[]): FactEntry[] {
  const names = new Set(decidingFacts(id, role));
  // F1: the X-SPECIALTY card of a second primary is about that tumor (the "Second primary" fact), not the other's histology.
  if (id === 'X-SPECIALTY' && facts.some((f) => f.fact === 'Second primary')) names.delete('Histology');
  // F5: an epirubicin (or other anthracycline) regimen is listed with the cumulative anthracycline dose.
  if (id === 'CURRENT-OFF-PATHWAY' && ANTHRACYCLINE_NAMES.test(fact(facts, /^Current regimen$/)?.value ?? '')) {
    for (const name of CARDIAC) names.add(name);
  }
  return facts.filter((f) => {
    if (isAlwaysShown(f) || id === 'D-DATA-UNAVAILABLE') return true;
    if (!names.has(f.fact)) return false;
    // "none" is no fact on a regimen card; a missing cardiac fact is (F7: no usable LVEF). A next step names a disease
    // status only when one is recorded.
    return (
      !(f.fact === 'Current regimen' && /^none\b/.test(f.value)) &&
      !(role === 'next' && f.fact === 'Disease status' && /^not found\b/.test(f.value))
    );
  });
}

/** One fact in words: its value without machine details (resource lists, enum names), and its date. */
export function factWords(f: FactEntry): string {
  let value = f.value;
  // §1: resource references are in the machine-readable list; the line names its regimens on the prior-regimen fact.
  if (f.fact === 'Line of therapy') value = value.replace(/\s*\(set by [^)]*\)$/, '');
  value = value.replace(/\s*\(looked for: .*\)$/, (m) => (f.fact === 'Histology' || f.fact === 'Extent' ? m : ''));
  const date = f.date !== undefined && !value.includes(f.date) ? `, ${f.date}` : '';
  // A value worded as a sentence that names its fact ("ECOG 1 on <date> (not recent: ...)", F6) is not prefixed again.
  if (value.startsWith(`${f.fact} `)) return `${escapeMarkdown(value)}${date}`;
  return `${escapeMarkdown(f.fact)}: ${escapeMarkdown(value)}${date}`;
}

/** The closing "Based on" section of a card: one line per fact shown. */
export function basedOnWords(facts: readonly FactEntry[]): string | undefined {
  if (facts.length === 0) return undefined;
  return `**Based on**\n\n${facts.map((f) => `- ${factWords(f)}`).join('\n')}`;
}
