/**
 * The words of the treatment-history facts and decisions (PATHWAY.md F5, F7, F10, §3 step 7): the cumulative
 * anthracycline dose as recorded, undated and incomplete history, disease status, the later-line summaries and the
 * doxorubicin-contraindicated openings. Numbers are written by `mg`; thresholds come in as arguments (§9), never as
 * literals.
 */
import { codeListOf, isCodeOf } from './code-table.js';

/** An LVEF as written on cards: with its comparator when recorded with one ("<50"), never as a plain number. */
export const lvefText = (value: number, comparator?: string): string => `${comparator ?? ''}${mg(value)}`;

/** A dose in mg/m² as written on cards: at most one decimal. */
export const mg = (n: number): string => `${Math.round(n * 10) / 10}`;

/** F7 item 5: the administrations a total rests on ("K administrations, first-last date"). */
export const administrationsSpan = (count: number, first: string | null, last: string | null): string =>
  `${count} administration${count === 1 ? '' : 's'}${first !== null ? `, ${first === last || last === null ? first : `${first} to ${last}`}` : ''}`;

/** F7 item 5, the known total. */
export const cumulativeKnown = (n: number, span: string): string =>
  `${mg(n)} mg/m² as recorded in this record (${span})`;

/** F7 item 5, a lower bound. */
export const cumulativeAtLeast = (n: number, span: string, notCounted: readonly string[]): string =>
  `at least ${mg(n)} mg/m² as recorded in this record (${span})${notCounted.length > 0 ? `; not counted: ${notCounted.join('; ')}` : ''}`;

/** F7 item 5, P: never an upper bound. */
export const cumulativePossible = (m: number, p: number): string =>
  `if the ${m} unconfirmed order${m === 1 ? '' : 's'} or statement${m === 1 ? '' : 's'} were given, at least ${mg(p)} mg/m²`;

/** F7 item 5, other anthracyclines: listed with their own sums, never converted. */
export const otherAnthracyclines = (items: readonly string[]): string =>
  `also received: ${items.join(', ')} (include it in the cumulative dose; the conversion is a clinician's decision)`;

/**
 * F7 items 2d, 3 and 8: why a dose is not in mg/m² or a record is not in N, by code (StsTreatment `ConvertedWith` and
 * "Cumulative Doxorubicin Not Counted", cql/StsCodes "Not Counted ..."). `<unit>`: the dose's unit as recorded.
 */
export const NOT_COUNTED_WORDS = {
  noDose: 'no dose',
  unitNotConvertible: 'unit <unit> not convertible',
  noBsa: 'no BSA',
  unconfirmedOrder: 'unconfirmed order: not confirmed as given; the number of doses it stands for is unknown',
  unconfirmedStatement: 'unconfirmed statement: not confirmed as given; the number of doses it stands for is unknown',
} as const;

/** The code of why a dose or record is not counted, as the libraries emit it. */
export type NotCountedCode = keyof typeof NOT_COUNTED_WORDS;

/** Whether a string is a not-counted code. */
export const isNotCountedCode = isCodeOf(NOT_COUNTED_WORDS);

/** Every not-counted code. */
export const NOT_COUNTED_CODES: readonly NotCountedCode[] = codeListOf(NOT_COUNTED_WORDS);

/** Why a dose or record is not counted, in words; a dose without a unit has its unit "absent". */
export const notCountedWords = (code: NotCountedCode, unit: string | undefined): string =>
  NOT_COUNTED_WORDS[code].replace('<unit>', unit ?? 'absent');

/** F7 items 1, 3, 7: marks on a dose event. */
export const EVENT_MARKS = { partial: 'partial?', ordered: '(ordered dose)', checkDose: 'check dose' } as const;

/** F7 item 2c. */
export const pendingOrder = (date: string | null): string => `ordered ${date ?? 'undated'}, not yet given`;

/** §2: a truncated medication history. */
export const HISTORY_INCOMPLETE_REASON = 'history incomplete';
export const HISTORY_INCOMPLETE_NOTE = 'treatment history incomplete: the line may be later';
/**
 * §2 is silent on localized disease with a truncated history; the safer reading: neoadjuvant doxorubicin + ifosfamide
 * rests on "no anthracycline exposure", which a partial history cannot show, so it is shown without suggestions.
 */
export const HISTORY_INCOMPLETE_NEOADJUVANT_NOTE =
  'treatment history incomplete: a prior anthracycline may not have been read';
/** §2: an unreadable medication history (the nodes of line 1, without suggestions). */
export const HISTORY_UNAVAILABLE_NOTE = 'treatment history unavailable';

/** F5: an undated active statement or request. */
export const UNDATED_CURRENT = 'date unknown: confirm it is still given';
/** F5: any other undated exposure counts as prior. */
export const UNDATED_PRIOR = 'date unknown: counted as prior treatment';

/** §3 step 7, a current doxorubicin regimen at the cumulative limit. */
export const doxoCumulativeStop = (n: number, limit: number): string =>
  `No further doxorubicin: the cumulative dose as recorded has reached ${mg(n)} mg/m² (limit ${mg(limit)} mg/m²). ` +
  'Reaching the cumulative limit ends doxorubicin; it is not evidence of progression.';

/** §3 step 7, a current doxorubicin regimen with a low LVEF. */
export const doxoLvefHold = (value: string, date: string, min: number): string =>
  `Hold doxorubicin: LVEF ${value} % (${date}) is below ${mg(min)} %. Cardio-oncology review.`;

/** "YYYY-MM-DD" plus `days` (UTC calendar days). */
const plusDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * §3 step 7, the opening of the LMS maintenance card: the maintenance dates given since the date the period runs from,
 * and when it ends (`maintenanceMaxCycles` and `maintenanceMaxDays` as configured, §9).
 */
export const maintenanceOpening = (given: number, since: string, maxCycles: number, maxDays: number): string =>
  `Maintenance trabectedin (LMS-04): ${given} of at most ${maxCycles} cycles given since ${since}; continue every 3 weeks ` +
  `until progression, toxicity, ${maxCycles} cycles or ${plusDays(since, maxDays)}, whichever comes first.`;

/** §3 step 7, the anthracycline-free option when doxorubicin is not current. */
export const ANTHRACYCLINE_FREE_SUMMARY = 'Anthracycline-free option: gemcitabine + docetaxel';
export const ANTHRACYCLINE_FREE_OPENING =
  'Doxorubicin is not recommended for this patient (see that card). Anthracycline-free option: in GeDDiS, gemcitabine + ' +
  'docetaxel was not better than doxorubicin as first-line treatment and was more toxic; confirm with the treating team.';

/** §3 step 7, gemcitabine + docetaxel when a current doxorubicin is held for the LVEF. */
export const LVEF_STOP_SUMMARY = 'If doxorubicin is stopped for the fall in LVEF: gemcitabine + docetaxel';

/** §3 step 7 "always": the card that gave the recommendation. */
export const METASTASECTOMY =
  'If the metastases are few and resectable (notably lung metastases after a long disease-free interval), discuss ' +
  'metastasectomy or other local treatment at the sarcoma multidisciplinary team.';

/** §3 later-line wording: a prior regimen "1. doxorubicin + ifosfamide, 18 administration dates, 2025-02-03 to 2025-06-16". */
export const priorRegimenLine = (index: number, drugs: string, dates: number, first: string, last: string): string =>
  `${index}. ${drugs}, ${dates} administration date${dates === 1 ? '' : 's'}, ${first === last ? first : `${first} to ${last}`}`;

/** §3 later-line wording: the heading of the prior regimens listed in the detail, oldest first. */
export const PRIOR_REGIMENS_HEADING = 'Prior regimens, oldest first:';

/**
 * §3 later-line summaries by disease status (F10), as the four parts of a summary `<before><related><between><title>`:
 * the related part (the prior regimen and its date) is what a card shortens first to fit the CDS Hooks limit.
 */
export type SummaryParts = readonly [before: string, related: string, between: string, title: string];
export const laterLineSummary = {
  progression: (date: string, prior: string, shortName: string): SummaryParts => [
    `Progression recorded on ${date} after `,
    prior,
    ': ',
    shortName,
  ],
  noProgression: (prior: string, status: string, date: string, shortName: string): SummaryParts => [
    'No progression recorded since ',
    `${prior} (disease status ${status}, ${date})`,
    ': ',
    `${shortName} applies at progression or intolerance`,
  ],
  unknown: (prior: string, lastGiven: string | undefined, shortName: string): SummaryParts => [
    'If the disease has progressed on, or did not tolerate, ',
    `${prior}${lastGiven !== undefined ? ` (last given ${lastGiven})` : ''}`,
    ': ',
    shortName,
  ],
} as const;

/** The related part of a later-line summary with the words "disease status" left out, when the whole must be shorter. */
export const compactLaterLineRelated = (related: string): string => related.replace(' (disease status ', ' (');

/** F10 classes in words (a status whose code PATHWAY.md does not name is shown by its class). */
export const DISEASE_STATUS_WORDS: Readonly<Record<string, string>> = {
  progression: 'progression',
  'no-progression': 'no progression',
  unknown: 'not read as progression',
};
