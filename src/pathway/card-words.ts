/**
 * From spec text to card text (PATHWAY.md "Verification" and §4.5): a sentence or clause marked "(to verify)" is not
 * shown, the marks "(interpretation)" and "(label)" are spec annotations, and placeholders are filled: `<name>` of a
 * §9 threshold from the configured value (so no card states a default), other `<...>` and `[...]` parts from the facts.
 */
import { THRESHOLD_NAMES, type ThresholdName, type Thresholds } from './thresholds.js';

/** Sentences of a text: split after . ! ? (and a closing quote or bracket) before a capital, a quote or a bracket. */
export function sentences(text: string): string[] {
  return text.split(/(?<=[.!?]["”\]]?)\s+(?=["“[A-Z])/u).filter((s) => s !== '');
}

/**
 * The card form of a spec text: every sentence that carries "(to verify)" removed, a parenthesis whose own words say
 * "to verify" removed (e.g. "(year and citation to verify)"), and the "(interpretation)" / "(label)" marks removed.
 */
export function shownText(spec: string): string {
  const kept = sentences(spec)
    .filter((s) => !/\(to verify\)/i.test(s))
    .join(' ');
  return kept
    .replace(/\s*\((?:[^()]*\bto verify\b[^()]*)\)/gi, '')
    .replace(/\s*\((?:interpretation|label)\)/gi, '')
    .replace(/\s+([.,;:])/g, '$1')
    .trim();
}

/** A §9 threshold's number alone, as the spec's `<name>` placeholder is followed by its unit in the text. */
const thresholdNumber = (name: ThresholdName, t: Thresholds): string => {
  const v = t[name];
  return typeof v === 'number' ? String(Number(v.toFixed(2))) : String(v);
};

/**
 * `<name>` or `{name}` of any §9 threshold, replaced in one pass (the numbers hold no bracket, so no replacement makes
 * another placeholder; the pass was a `replaceAll` per name and bracket, the top cost of card building).
 */
const THRESHOLD_PLACEHOLDER = new RegExp(`<(${THRESHOLD_NAMES.join('|')})>|\\{(${THRESHOLD_NAMES.join('|')})\\}`, 'g');

/** Each threshold's number as `thresholdNumber` words it, once per Thresholds object (the config's is frozen). */
const numbersOf = new WeakMap<Thresholds, ReadonlyMap<string, string>>();
function thresholdNumbers(t: Thresholds): ReadonlyMap<string, string> {
  let numbers = numbersOf.get(t);
  if (numbers === undefined) {
    numbers = new Map(THRESHOLD_NAMES.map((name) => [name, thresholdNumber(name, t)]));
    if (Object.isFrozen(t)) numbersOf.set(t, numbers);
  }
  return numbers;
}

/** A §9 day count as the spec words it: whole years in years (365 days is the spec's "1 year"), else days. */
export function periodWords(days: number): string {
  if (days % 365 === 0) return days === 365 ? '1 year' : `${days / 365} years`;
  return `${days} days`;
}

/**
 * The spec phrases that state a §9 value in words instead of a placeholder: the §4.2 title and the §6 schedule text of
 * maintenance trabectedin ("up to 17 cycles or 1 year", LMS-04 as configured by `maintenanceMaxCycles` and
 * `maintenanceMaxDays`). The pathway keeps them verbatim; the card form restates them from the configured values.
 */
export const THRESHOLD_PHRASES: readonly {
  readonly phrase: string;
  readonly thresholds: readonly ThresholdName[];
  readonly configured: (t: Thresholds) => string;
}[] = [
  {
    phrase: 'up to 17 cycles or 1 year',
    thresholds: ['maintenanceMaxCycles', 'maintenanceMaxDays'],
    configured: (t) =>
      `up to ${thresholdNumber('maintenanceMaxCycles', t)} cycles or ${periodWords(t.maintenanceMaxDays)}`,
  },
  {
    phrase: 'maintenance trabectedin, up to 1 year',
    thresholds: ['maintenanceMaxDays'],
    configured: (t) => `maintenance trabectedin, up to ${periodWords(t.maintenanceMaxDays)}`,
  },
];

/** A spec text with every phrase of THRESHOLD_PHRASES stated from `t` (unchanged at the §9 defaults). */
export function withConfiguredThresholds(text: string, t: Thresholds): string {
  return THRESHOLD_PHRASES.reduce((out, p) => out.replaceAll(p.phrase, p.configured(t)), text);
}

/** Values for the placeholders of one text: the exact placeholder (with its brackets) to its words. */
export type Slots = Readonly<Record<string, string>>;

/**
 * Fills a spec template: `<threshold>` and `{threshold}` from `t`; any other `<...>` from `slots` (key = the whole
 * placeholder, e.g. "<date>", "<given on <date> / not recorded>"); each `[...]` part kept (without its brackets) when
 * its index in `keep` is true. Throws on a placeholder left unfilled: a card never shows a raw `<...>`.
 */
export function fillTemplate(
  template: string,
  t: Thresholds,
  slots: Slots = {},
  keep: readonly boolean[] = [],
): string {
  let i = 0;
  let out = template.replace(/\[([^\]]*)\]/g, (_m, inner: string) => (keep[i++] === true ? inner : ''));
  const numbers = thresholdNumbers(t);
  out = out.replace(
    THRESHOLD_PLACEHOLDER,
    (m, angled?: string, braced?: string) => numbers.get(angled ?? braced ?? '') ?? m,
  );
  for (const key of Object.keys(slots).sort((a, b) => b.length - a.length)) out = out.replaceAll(key, slots[key] ?? '');
  const left = /<[A-Za-z][^<>]*>/.exec(out);
  if (left !== null) throw new Error(`card text placeholder ${left[0]} not filled`);
  return out
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([.,;:])/g, '$1')
    .trim();
}
