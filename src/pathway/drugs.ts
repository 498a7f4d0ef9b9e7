/**
 * Drugs of PATHWAY.md §6 and the matcher that recognises them in a medication CodeableConcept.
 */
import type { CodeDef, SpecialtyKind } from './codes.js';
import type { NodeId } from './nodes.js';
import { shownText, withConfiguredThresholds } from './card-words.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';
import { SYSTEMS } from './systems.js';

/** Every drug §6 names. */
export type DrugKey =
  | 'doxorubicin'
  | 'ifosfamide'
  | 'mesna'
  | 'dexrazoxane'
  | 'trabectedin'
  | 'gemcitabine'
  | 'docetaxel'
  | 'pazopanib'
  | 'eribulin'
  | 'pembrolizumab'
  | 'olaratumab'
  | 'epirubicin'
  | 'daunorubicin'
  | 'idarubicin'
  | 'mitoxantrone'
  | 'imatinib'
  | 'avapritinib'
  | 'atezolizumab'
  | 'nirogacestat'
  | 'sorafenib'
  | 'paclitaxel';

/** How the pathway treats a drug: recommended, supportive, counted as an anthracycline only, never, or not STS-pathway. */
export type DrugRole = 'pathway' | 'supportive' | 'anthracycline-only' | 'never' | 'non-pathway';

/** One §6 drug. */
export interface DrugDef {
  readonly key: DrugKey;
  /** Ingredient name (MedicationRequest.medicationCodeableConcept.text of a suggestion). */
  readonly name: string;
  readonly rxnorm?: CodeDef;
  /** Further RxNorm codes §6 lists for matching input only (product codes): never emitted. */
  readonly matchOnly?: readonly CodeDef[];
  /** Brands and other names matched as whole words. */
  readonly names: readonly string[];
  readonly anthracycline: boolean;
  readonly supportive: boolean;
  readonly role: DrugRole;
}

const rx = (code: string, display: string, toVerify?: boolean): CodeDef => ({
  system: SYSTEMS.rxnorm,
  code,
  display,
  ...(toVerify ? { toVerify } : {}),
});

const drug = (
  key: DrugKey,
  role: DrugRole,
  names: readonly string[],
  rxnorm?: CodeDef,
  anthracycline = false,
  matchOnly?: readonly CodeDef[],
): DrugDef => ({
  key,
  name: key,
  names,
  anthracycline,
  supportive: role === 'supportive',
  role,
  ...(rxnorm ? { rxnorm } : {}),
  ...(matchOnly ? { matchOnly } : {}),
});

/** §6 drugs by key. */
export const DRUGS: Readonly<Record<DrugKey, DrugDef>> = {
  doxorubicin: drug(
    'doxorubicin',
    'pathway',
    ['Adriamycin', 'Doxil', 'Caelyx', 'Lipodox', 'Myocet'],
    rx('3639', 'doxorubicin'),
    true,
  ),
  ifosfamide: drug('ifosfamide', 'pathway', ['Ifex'], rx('5657', 'ifosfamide')),
  // §6 lists 44 "(to verify; one third-party file)": matched on input (a mesna order coded by it alone counts for
  // S-IFOS-MESNA), never emitted.
  mesna: drug('mesna', 'supportive', ['Mesnex'], undefined, false, [rx('44', 'mesna', true)]),
  dexrazoxane: drug('dexrazoxane', 'supportive', ['Zinecard', 'Totect']),
  // §6: no ingredient code verified: a suggestion carries the name only and says so. The EVDI product codes §6 lists
  // ("seen in openFDA: matching only") are matched on input, never emitted.
  trabectedin: drug('trabectedin', 'pathway', ['Yondelis', 'EVDI'], undefined, false, [
    rx('2745754', 'trabectedin (EVDI product)'),
    rx('2745760', 'trabectedin (EVDI product)'),
  ]),
  gemcitabine: drug('gemcitabine', 'pathway', ['Gemzar'], rx('12574', 'gemcitabine')),
  docetaxel: drug('docetaxel', 'pathway', ['Taxotere'], rx('72962', 'docetaxel')),
  pazopanib: drug('pazopanib', 'pathway', ['Votrient'], rx('714438', 'pazopanib')),
  // A product code: matched on input only, never emitted (PATHWAY.md §6 "(to verify)").
  eribulin: drug('eribulin', 'pathway', ['Halaven'], rx('1045456', 'eribulin', true)),
  pembrolizumab: drug('pembrolizumab', 'pathway', ['Keytruda'], rx('1547545', 'pembrolizumab')),
  olaratumab: drug('olaratumab', 'never', ['Lartruvo']),
  epirubicin: drug('epirubicin', 'anthracycline-only', ['Ellence'], undefined, true),
  daunorubicin: drug('daunorubicin', 'anthracycline-only', ['Cerubidine'], undefined, true),
  idarubicin: drug('idarubicin', 'anthracycline-only', ['Idamycin'], undefined, true),
  mitoxantrone: drug('mitoxantrone', 'anthracycline-only', ['Novantrone'], undefined, true),
  imatinib: drug('imatinib', 'non-pathway', ['Gleevec'], rx('282388', 'imatinib')),
  avapritinib: drug('avapritinib', 'non-pathway', ['Ayvakit']),
  atezolizumab: drug('atezolizumab', 'non-pathway', ['Tecentriq']),
  nirogacestat: drug('nirogacestat', 'non-pathway', ['Ogsiveo']),
  sorafenib: drug('sorafenib', 'non-pathway', ['Nexavar']),
  paclitaxel: drug('paclitaxel', 'non-pathway', ['Taxol'], rx('56946', 'paclitaxel')),
};

/**
 * F1 second primary: the drugs of each SPECIALTY histology's §4.4 row. They belong to that tumor: left out of the
 * current regimen and the line of the other one, and never classified at order time (an anthracycline among them still
 * counts for F7 and the cardiac rules). Kaposi sarcoma's row names liposomal doxorubicin, not conventional doxorubicin.
 */
export const SPECIALTY_ROW_DRUGS: Readonly<
  Record<SpecialtyKind, { readonly drugs: readonly DrugKey[]; readonly liposomalDoxorubicin: boolean }>
> = {
  GIST: { drugs: ['imatinib', 'avapritinib'], liposomalDoxorubicin: false },
  desmoid: { drugs: ['nirogacestat', 'sorafenib'], liposomalDoxorubicin: false },
  Kaposi: { drugs: ['paclitaxel'], liposomalDoxorubicin: true },
  ASPS: { drugs: ['atezolizumab'], liposomalDoxorubicin: false },
  rhabdomyosarcoma: { drugs: [], liposomalDoxorubicin: false },
  Ewing: { drugs: [], liposomalDoxorubicin: false },
};

/** Every drug key, in §6 order (the matcher's preference order when a text names several). */
export const DRUG_KEYS = Object.keys(DRUGS) as readonly DrugKey[];

/** Whether a string is a §6 drug key. */
export const isDrugKey = (k: string): k is DrugKey => Object.hasOwn(DRUGS, k);

/** Every RxNorm code of §6 (all from third-party mappings; a release checks each), matched-only ones included. */
export const RXNORM_CODES: readonly CodeDef[] = DRUG_KEYS.flatMap((k) => [
  ...(DRUGS[k].rxnorm ? [DRUGS[k].rxnorm] : []),
  ...(DRUGS[k].matchOnly ?? []),
]);

/** The RxNorm codes that identify a drug on input: its code and its matched-only codes. */
export const matchedRxnorm = (d: DrugDef): readonly string[] => [
  ...(d.rxnorm ? [d.rxnorm.code] : []),
  ...(d.matchOnly ?? []).map((c) => c.code),
];

/** RxNorm codes the service may emit: pathway drugs, not "(to verify)". A release confirms each is an ingredient code. */
export const RXNORM_EMITTED: readonly CodeDef[] = DRUG_KEYS.filter((k) => DRUGS[k].role === 'pathway').flatMap((k) => {
  const code = DRUGS[k].rxnorm;
  return code && !code.toVerify ? [code] : [];
});

/** §6: text or display fragments that make doxorubicin liposomal (substrings first, then brand names as words). */
export const LIPOSOMAL_MARKERS: readonly string[] = ['liposom', 'pegylated', 'Doxil', 'Caelyx', 'Lipodox', 'Myocet'];

/**
 * §6 schedule texts, verbatim, by node and drug: each MedicationRequest carries its own drug's text for that node.
 * Sentences marked "(to verify)" stay here (a test compares with docs/PATHWAY.md) and are never emitted or shown:
 * read them through scheduleText().
 */
export const SCHEDULE_TEXT: Readonly<Partial<Record<NodeId, Partial<Record<DrugKey, string>>>>> = {
  'M-1L-DOXO': {
    doxorubicin:
      'Doxorubicin 75 mg/m2 IV on day 1 (bolus or 72-hour continuous infusion) every 3 weeks, up to 6 cycles. Assess LVEF before the first dose and during treatment.',
  },
  'M-LMS-1L-DOXO-TRAB': {
    doxorubicin:
      'Doxorubicin 60 mg/m2 IV over 10-15 minutes on day 1, followed by trabectedin (separate order), every 3 weeks, up to 6 cycles. Not the 75 mg/m2 single-agent dose.',
    trabectedin:
      'Trabectedin 1.1 mg/m2 IV over 3 hours via a central venous line on day 1 after doxorubicin, with dexamethasone 20 mg IV premedication, every 3 weeks, up to 6 cycles, then maintenance if no progression. Not the 1.5 mg/m2 24-hour single-agent dose. G-CSF support as in LMS-02 (pegfilgrastim on day 2) (to verify).',
  },
  'M-LMS-TRAB-MAINT': {
    trabectedin:
      'Trabectedin 1.1 mg/m2 IV over 3 hours every 3 weeks (the combination dose), via a central venous line with dexamethasone 20 mg IV premedication, for up to 17 cycles or 1 year after up to 6 cycles of doxorubicin + trabectedin, if no progression.',
  },
  'M-2L-GEM-DOCE': {
    gemcitabine:
      'Gemcitabine 900 mg/m2 IV over 90 minutes on days 1 and 8, every 3 weeks, with docetaxel on day 8; lower doses after pelvic radiotherapy.',
    docetaxel:
      'Docetaxel 100 mg/m2 IV on day 8 after gemcitabine, every 3 weeks, with G-CSF support from day 9 and premedication per the docetaxel label; lower doses after pelvic radiotherapy.',
  },
  'M-3L-TRABECTEDIN': {
    trabectedin:
      'Trabectedin 1.5 mg/m2 IV over 24 hours every 3 weeks via a central venous line; dexamethasone 20 mg IV 30 minutes before each dose; 0.9 mg/m2 in moderate hepatic impairment.',
  },
  'M-3L-PAZOPANIB': {
    pazopanib:
      'Pazopanib 800 mg orally once daily. Liver tests before and during treatment (boxed warning: severe and fatal hepatotoxicity). Take without food (to verify).',
  },
  'M-3L-ERIBULIN': {
    eribulin:
      'Check whether this order is written as eribulin mesylate (US labels) or eribulin base (EU labels; 0.44 mg of base corresponds to 0.5 mg of mesylate). Eribulin mesylate 1.4 mg/m2 IV on days 1 and 8 every 3 weeks; lower doses in hepatic or renal impairment per the label (to verify).',
  },
  'L-NEOADJ-DOXO-IFOS': {
    doxorubicin:
      'Doxorubicin 75 mg/m2 per cycle (e.g. 25 mg/m2/day on days 1-3) with ifosfamide, every 3 weeks for 3 cycles before surgery, with G-CSF support (to verify).',
    ifosfamide:
      'Ifosfamide 3 g/m2/day on days 1-3 (9 g/m2 per cycle) with mesna and hydration, every 3 weeks for 3 cycles (to verify).',
    mesna:
      'Mesna with every ifosfamide dose, per institutional protocol (prophylaxis of ifosfamide-induced hemorrhagic cystitis).',
  },
  'L-NEOADJ-UPS-PEMBRO-RT': {
    pembrolizumab:
      'Pembrolizumab 200 mg every 3 weeks: 3 cycles before and during pre-operative RT (50 Gy in 25 fractions), then up to 14 cycles after surgery.',
  },
};

/**
 * The emitted form of a node's schedule text for one drug (dosageInstruction[0].text), with the §9 values it states
 * as configured, or undefined when none is left.
 */
export function scheduleText(node: NodeId, drug: DrugKey, t: Thresholds = DEFAULT_THRESHOLDS): string | undefined {
  const spec = SCHEDULE_TEXT[node]?.[drug];
  if (spec === undefined) return undefined;
  const shown = shownText(withConfiguredThresholds(spec, t));
  return shown === '' ? undefined : shown;
}

/** A coding or CodeableConcept as it arrives from an EHR (every field optional). */
export interface ConceptInput {
  readonly coding?: readonly { readonly system?: string; readonly code?: string; readonly display?: string }[];
  readonly text?: string;
}

/** The result of recognising a medication. */
export interface DrugMatch {
  readonly drug: DrugKey;
  readonly liposomal: boolean;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Whole word: not preceded or followed by a letter or digit ("doxorubicinol" is a metabolite, not doxorubicin).
const wordPattern = (word: string): RegExp =>
  new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`, 'iu');

const DRUG_PATTERNS: readonly { readonly key: DrugKey; readonly patterns: readonly RegExp[] }[] = DRUG_KEYS.map(
  (key) => ({
    key,
    patterns: [DRUGS[key].name, ...DRUGS[key].names].map(wordPattern),
  }),
);

const LIPOSOMAL_SUBSTRINGS: readonly string[] = ['liposom', 'pegylated'];
const LIPOSOMAL_BRANDS: readonly RegExp[] = LIPOSOMAL_MARKERS.filter((m) => !LIPOSOMAL_SUBSTRINGS.includes(m)).map(
  wordPattern,
);

const isLiposomal = (texts: readonly string[]): boolean =>
  texts.some((t) => {
    const lower = t.toLowerCase();
    return LIPOSOMAL_SUBSTRINGS.some((m) => lower.includes(m)) || LIPOSOMAL_BRANDS.some((re) => re.test(t));
  });

/** §6: the drug a medication concept names (RxNorm code first, else a whole-word name in its text or a display). */
export const matchDrug = (concept: ConceptInput | undefined): DrugMatch | undefined => {
  if (!concept) return undefined;
  const codings = concept.coding ?? [];
  const texts = [concept.text, ...codings.map((c) => c.display)].filter(
    (t): t is string => typeof t === 'string' && t !== '',
  );
  const liposomalIfDoxo = (drug: DrugKey): DrugMatch => ({
    drug,
    liposomal: drug === 'doxorubicin' && isLiposomal(texts),
  });

  for (const c of codings) {
    if (c.system !== SYSTEMS.rxnorm || !c.code) continue;
    const code = c.code;
    const byCode = DRUG_KEYS.find((k) => matchedRxnorm(DRUGS[k]).includes(code));
    if (byCode) return liposomalIfDoxo(byCode);
  }
  for (const { key, patterns } of DRUG_PATTERNS) {
    if (texts.some((t) => patterns.some((re) => re.test(t)))) return liposomalIfDoxo(key);
  }
  return undefined;
};
