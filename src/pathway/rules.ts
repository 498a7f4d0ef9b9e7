/**
 * Safety rules of PATHWAY.md §5: ids, titles (a card's `source.topic.display`), rule texts, summaries with §9
 * placeholders, indicators, evidence, and the order-time sentences of the rules (card details, §5 step 7 exceptions).
 */
import type { DrugKey } from './drugs.js';
import type { EvidenceKey } from './evidence.js';
import { nodeTitle, type NodeId, type NodeIndicator } from './nodes.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from './thresholds.js';
import { SYSTEMS } from './systems.js';

/** §5 rule ids. */
export type RuleId =
  | 'S-PAZO-ADIPOCYTIC'
  | 'S-ERIBULIN-NON-LPS'
  | 'S-TRABECTEDIN-HISTOLOGY'
  | 'S-OLARATUMAB'
  | 'S-DOXO-LVEF'
  | 'S-DOXO-CUMULATIVE'
  | 'S-DOXO-LVEF-UNKNOWN'
  | 'S-PEMBRO-SETTING'
  | 'S-DOXO-CUMULATIVE-WARN'
  | 'S-COMBO-ECOG'
  | 'S-COMBO-AGE'
  | 'S-ECOG-POOR'
  | 'S-IFOS-MESNA'
  | 'S-TRAB-LVEF'
  | 'S-BILIRUBIN-HIGH'
  | 'S-REPEAT';

/**
 * One §5 rule. `text` is the rule column; `summary` the summary column, its variants in §5 order (the first that
 * applies is used), placeholders in braces filled from the facts and §9 (a §9 value's placeholder is the parameter's
 * name); `indicator` the order-time indicator.
 */
export interface RuleDef {
  readonly id: RuleId;
  readonly title: string;
  readonly text: string;
  readonly summary: readonly string[];
  readonly kind: 'blocking' | 'advisory';
  readonly indicator: NodeIndicator;
  readonly patientViewEffect: string;
  readonly evidence: readonly EvidenceKey[];
}

const rule = (
  id: RuleId,
  kind: RuleDef['kind'],
  title: string,
  text: string,
  summary: string | readonly string[],
  indicator: NodeIndicator,
  patientViewEffect: string,
  evidence: readonly EvidenceKey[],
): RuleDef => ({
  id,
  title,
  text,
  summary: typeof summary === 'string' ? [summary] : summary,
  kind,
  indicator,
  patientViewEffect,
  evidence,
});

/** §5 rules by id, in §5 order. */
export const RULES: Readonly<Record<RuleId, RuleDef>> = {
  'S-PAZO-ADIPOCYTIC': rule(
    'S-PAZO-ADIPOCYTIC',
    'blocking',
    'Pazopanib for liposarcoma',
    'pazopanib for LPS',
    'Pazopanib not recommended for liposarcoma: adipocytic sarcoma was excluded from PALETTE',
    'critical',
    '`M-3L-PAZOPANIB` never shown for LPS',
    ['PALETTE'],
  ),
  'S-ERIBULIN-NON-LPS': rule(
    'S-ERIBULIN-NON-LPS',
    'blocking',
    'Eribulin outside liposarcoma',
    'eribulin for a histology other than LPS',
    'Eribulin for {histology}: the survival benefit was confined to liposarcoma',
    'warning',
    'shown only for LPS',
    ['SCHOFFSKI-2016'],
  ),
  'S-TRABECTEDIN-HISTOLOGY': rule(
    'S-TRABECTEDIN-HISTOLOGY',
    'blocking',
    'Trabectedin outside leiomyosarcoma and liposarcoma',
    'trabectedin for a histology other than LMS/LPS',
    'Trabectedin for {histology}: label and evidence cover leiomyosarcoma and liposarcoma',
    'warning',
    'shown only for LMS/LPS',
    ['DEMETRI-2016'],
  ),
  'S-OLARATUMAB': rule(
    'S-OLARATUMAB',
    'blocking',
    'Olaratumab (withdrawn)',
    'olaratumab, any patient with an STS Condition (accelerated approval 2016; the confirmatory ANNOUNCE trial showed no survival benefit; withdrawn April 2019)',
    'Olaratumab withdrawn (2019): no survival benefit in ANNOUNCE; do not use',
    'critical',
    'never recommended',
    ['ANNOUNCE', 'NCI-2016-OLARATUMAB'],
  ),
  'S-DOXO-LVEF': rule(
    'S-DOXO-LVEF',
    'blocking',
    'Anthracycline with low LVEF',
    'an anthracycline draft (doxorubicin in any formulation, alone or combined, or another anthracycline) with latest LVEF below `lvefMinPercent`',
    '{drug} not recommended: LVEF {lvef} % ({date}) is below {lvefMinPercent} %',
    'critical',
    'doxorubicin nodes replaced or stopped (§3)',
    ['ANNOUNCE', 'DOXORUBICIN-LABEL', 'EPIRUBICIN-LABEL'],
  ),
  'S-DOXO-CUMULATIVE': rule(
    'S-DOXO-CUMULATIVE',
    'blocking',
    'Anthracycline at the cumulative doxorubicin limit',
    'an anthracycline draft when the confirmed cumulative doxorubicin N (F7) has reached `cumulativeDoxoCriticalMgM2`',
    '{drug} not recommended: cumulative doxorubicin {N} mg/m² as recorded has reached {cumulativeDoxoCriticalMgM2} mg/m²',
    'critical',
    'doxorubicin nodes replaced or stopped (§3)',
    ['DOXORUBICIN-LABEL'],
  ),
  'S-DOXO-LVEF-UNKNOWN': rule(
    'S-DOXO-LVEF-UNKNOWN',
    'advisory',
    'Anthracycline without a usable LVEF',
    'an anthracycline draft, adults, when the LVEF is not usable (F7): none found, Observations unreadable, not interpretable, older than `lvefRecencyDays`, or (once N has reached `cumulativeDoxoWarnMgM2`) not dated after the latest anthracycline exposure. With a trabectedin draft in the same draft set, this one card names both drugs and `S-TRAB-LVEF` is not output',
    '{drug}: no usable LVEF ({reason}): assess LVEF before this dose',
    'warning',
    "a fact on the anthracycline node's card (F7 wording)",
    ['DOXORUBICIN-LABEL'],
  ),
  'S-PEMBRO-SETTING': rule(
    'S-PEMBRO-SETTING',
    'blocking',
    "Pembrolizumab outside the pathway's setting",
    'pembrolizumab outside localized UPS (and its adjuvant continuation), except for metastatic UPS (8830/3, 8802/3) and metastatic dedifferentiated or pleomorphic liposarcoma (8858/3, 8854/3), which go to `HISTOLOGY-SPECIFIC-OPTION` (step 7)',
    "Pembrolizumab outside this pathway's setting (pre-operative with radiotherapy, localized UPS)",
    'warning',
    '—',
    ['SU2C-SARC032'],
  ),
  'S-DOXO-CUMULATIVE-WARN': rule(
    'S-DOXO-CUMULATIVE-WARN',
    'advisory',
    'Cumulative doxorubicin to check',
    'an anthracycline draft when `S-DOXO-CUMULATIVE` does not hold and any of: N ≥ `cumulativeDoxoWarnMgM2`; the total is "at least" (F7); N plus the draft\'s convertible dose reaches `cumulativeDoxoCriticalMgM2`',
    [
      'Cumulative doxorubicin may have reached {cumulativeDoxoCriticalMgM2} mg/m² (at least {P} if the unconfirmed orders were given): verify before ordering',
      'This dose would bring cumulative doxorubicin to {N + d} mg/m² (limit {cumulativeDoxoCriticalMgM2} mg/m²)',
      'Cumulative anthracycline dose incomplete (at least {N} mg/m² as recorded): verify before ordering',
      'Cumulative doxorubicin {N} mg/m² (≥ {cumulativeDoxoWarnMgM2}): reassess LVEF before this dose',
    ],
    'warning',
    "a fact on the doxorubicin node's card",
    ['DOXORUBICIN-LABEL', 'DEXRAZOXANE-LABEL'],
  ),
  'S-COMBO-ECOG': rule(
    'S-COMBO-ECOG',
    'advisory',
    'Combination chemotherapy with ECOG 2 or more',
    'a combination (doxorubicin + ifosfamide, doxorubicin + trabectedin, gemcitabine + docetaxel) with latest ECOG ≥ 2',
    '{combination} with ECOG {ecog} ({date}): the trials enrolled ECOG 0-1',
    'warning',
    "the combination node's card becomes `warning` and says the trials enrolled ECOG 0-1; for LMS line 1, `M-1L-DOXO` becomes the primary node",
    ['EORTC-62012', 'LMS-04'],
  ),
  'S-COMBO-AGE': rule(
    'S-COMBO-AGE',
    'advisory',
    'Doxorubicin + ifosfamide above the trial ages',
    'doxorubicin + ifosfamide (metastatic or neoadjuvant) at age above `comboMaxTrialAge`',
    'Doxorubicin + ifosfamide at age {age}: the EORTC 62012 trial enrolled ages 18-60',
    'info',
    "the bracketed age sentence of `L-NEOADJ-DOXO-IFOS` (the `M-1L-DOXO` note states the trial's ages for every patient)",
    ['EORTC-62012'],
  ),
  'S-ECOG-POOR': rule(
    'S-ECOG-POOR',
    'advisory',
    'Systemic therapy with ECOG 3-4',
    'any regimen with latest ECOG ≥ 3 (interpretation; clinical sign-off pending)',
    'ECOG {ecog} ({date}): benefit of systemic therapy uncertain',
    'warning',
    'regimen nodes shown as `warning` without suggestions, headline "ECOG {ecog} ({date}): benefit of systemic therapy uncertain; consider best supportive care. If treatment is chosen, the pathway option at this line is: <title>."',
    [],
  ),
  'S-IFOS-MESNA': rule(
    'S-IFOS-MESNA',
    'advisory',
    'Ifosfamide without mesna',
    "an ifosfamide draft, any age, when no mesna is found in: the draft set (read before supportive drugs are removed); the ingredients of the ifosfamide draft's own Medication (`Medication.ingredient`, an admixture); a mesna MedicationRequest with status `active`, `on-hold` or `draft` authored within the last 7 days",
    'Ifosfamide ordered without mesna: add mesna (hemorrhagic cystitis)',
    'warning',
    "— (the pathway's ifosfamide suggestion includes mesna)",
    ['IFOSFAMIDE-LABEL'],
  ),
  'S-TRAB-LVEF': rule(
    'S-TRAB-LVEF',
    'advisory',
    'Trabectedin and LVEF',
    'a trabectedin draft, adults, with no anthracycline draft in the same draft set, when the latest LVEF is below `lvefMinPercent` or no LVEF is usable (F7, without the cumulative condition)',
    [
      'Trabectedin: LVEF {lvef} % below {lvefMinPercent} %: assess before this dose',
      'Trabectedin: no usable LVEF ({reason}): assess before this dose',
    ],
    'warning',
    "a fact on the trabectedin node's card",
    ['TRABECTEDIN-LABEL'],
  ),
  'S-BILIRUBIN-HIGH': rule(
    'S-BILIRUBIN-HIGH',
    'advisory',
    'Bilirubin above the upper limit of normal',
    'a draft of doxorubicin (any formulation), docetaxel, trabectedin, pazopanib or eribulin, adults, when the latest total bilirubin dated within `labRecencyDays` is above the upper limit of normal',
    "{drug}: bilirubin {value} {unit} ({date}) above the upper limit of normal: check the label's hepatic dosing",
    'warning',
    "a fact on the regimen node's card",
    ['DOCETAXEL-LABEL', 'TRABECTEDIN-LABEL', 'PAZOPANIB-LABEL', 'DOXORUBICIN-LABEL'],
  ),
  'S-REPEAT': rule(
    'S-REPEAT',
    'advisory',
    'Treatment already given',
    'trabectedin, pazopanib, eribulin, or gemcitabine + docetaxel among the prior exposures, unless the draft continues the current regimen or belongs to `M-LMS-TRAB-MAINT` while that node is output',
    '{drug} already given (last {date}): re-treatment is off the pathway',
    'info',
    'not re-offered',
    [],
  ),
};

/** §5 S-IFOS-MESNA: a mesna MedicationRequest authored within this many days counts (not a §9 threshold). */
export const MESNA_ORDER_WINDOW_DAYS = 7;

/** Every rule id, in §5 order. */
export const RULE_IDS = Object.keys(RULES) as readonly RuleId[];

/** Whether an id is a §5 rule id (rather than a node id). */
export const isRuleId = (id: string): id is RuleId => Object.hasOwn(RULES, id);

/** §5 override reason `cardio-oncology-cleared` is offered only on these rules' cards. */
export const CARDIAC_RULES: readonly RuleId[] = [
  'S-DOXO-LVEF',
  'S-DOXO-CUMULATIVE',
  'S-DOXO-LVEF-UNKNOWN',
  'S-DOXO-CUMULATIVE-WARN',
  'S-TRAB-LVEF',
];

/** F7: why no LVEF is usable, as the cards name it ("no usable LVEF (<reason>)"). */
export const LVEF_UNUSABLE_REASONS = {
  none: 'none found',
  stale: 'not recent',
  beforeAnthracycline: 'not since the last anthracycline dose',
  notInterpretable: 'not interpretable',
  unavailable: 'unavailable',
} as const;

const isLvefUnusableCode = (code: string): code is keyof typeof LVEF_UNUSABLE_REASONS =>
  Object.hasOwn(LVEF_UNUSABLE_REASONS, code);

/** An F7 LVEF-unusable code (StsSafety `LvefUnusable`, cql/StsCodes "LVEF Unusable ...") in words; '' for none. */
export function lvefUnusableWords(code: string | undefined): string {
  if (code === undefined) return '';
  return isLvefUnusableCode(code) ? LVEF_UNUSABLE_REASONS[code] : code;
}

/** F6, F7: a reading whose value the cards cannot write (no value, or a value of another type). */
export const NO_VALUE = 'no value';

/** The sentences of the order-time and patient-view safety facts (F6, F7, §5). Placeholders in angle brackets. */
export const SAFETY_TEXTS = {
  /** F7: the anthracycline node's card when no LVEF is usable. */
  lvefUnusable: 'no usable LVEF (<reason>): assess LVEF (echocardiography or MUGA) before the next anthracycline dose',
  /** F7 / §7.3: an LVEF present but not interpretable, counted as missing. */
  lvefNotInterpretable: 'LVEF recorded but not interpretable (<value>)',
  /** F6: an ECOG present but not interpretable. */
  ecogNotInterpretable: 'ECOG recorded but not interpretable (<value>)',
  /** F6: an ECOG older than `ecogRecencyDays`, on every regimen card. */
  ecogNotRecent: 'ECOG <ecog> on <date> (not recent: reassess performance status)',
  /** §5 S-IFOS-MESNA with MedicationRequests unreadable. */
  mesnaUnchecked: 'existing mesna orders could not be checked',
  /** §5 step 1: the pediatric order-time card. */
  pediatricOrder: 'Pediatric protocol cardiac monitoring and cumulative limits apply; adult thresholds are not used.',
  /** §5 step 5. */
  nextStepEarly: 'Next step ordered while <current> is ongoing: confirm progression or intolerance',
  nextStepProgression: 'Progression recorded on <date>',
  /** §5 step 6. */
  laterLineEarly:
    'the pathway order is gemcitabine + docetaxel first (these are label indications after an anthracycline)',
  /** §5 step 2. */
  positionUnknown: 'Pathway position: <position>; no on-pathway regimen to compare',
  /** F7 item 8: the order-time card of an anthracycline draft (several anthracycline drafts on one card: "these orders"). */
  afterThisOrder: 'after this order: <atLeast><total> mg/m²',
  afterTheseOrders: 'after these orders: <atLeast><total> mg/m²',
  doseNotConvertible: 'dose of this order not convertible (<why>)',
  /** F7 items 5 and 8: a drafted anthracycline other than doxorubicin is added as its own mg/m², never converted. */
  draftCountedAsRecorded:
    "this order's <drug> added as its own mg/m² (no conversion factor is applied here; the conversion is a clinician's decision)",
} as const;

/** §5 card details of the advisory rules (after the facts). */
export const RULE_DETAILS = {
  'S-DOXO-CUMULATIVE-WARN':
    'The doxorubicin label asks for LVEF assessment more often as the cumulative dose exceeds 300 mg/m²; prior mediastinal radiotherapy and other cardiotoxic drugs (e.g. cyclophosphamide, trastuzumab) add to the risk. Dexrazoxane is labelled for women with metastatic breast cancer who have received 300 mg/m² of doxorubicin and continue it; its use in sarcoma is off-label.',
  /** F7 item 5, shown with other anthracyclines (received, or drafted). */
  otherAnthracyclines:
    "The doxorubicin label asks to include prior doses of other anthracyclines and anthracenediones in the cumulative dose, but no conversion factor is applied here (the epirubicin label gives 0.9 % cardiomyopathy at 550 mg/m²); the conversion is a clinician's decision.",
} as const;

/**
 * §5 S-BILIRUBIN-HIGH detail sentence per drug. Eribulin's sentence is marked "(to verify)" in PATHWAY.md: not shown.
 */
export const BILIRUBIN_DRUG_SENTENCES: Readonly<Partial<Record<DrugKey, string>>> = {
  docetaxel: 'Docetaxel label (boxed warning): avoid use when bilirubin is above the upper limit of normal.',
  trabectedin:
    'Trabectedin label: 0.9 mg/m² when bilirubin is 1.5 to 3 times the upper limit of normal; not given above 3 times.',
  pazopanib:
    'Pazopanib label (boxed warning): severe and fatal hepatotoxicity; interrupt, reduce or stop as the label recommends.',
  doxorubicin: 'Doxorubicin label: reduce the dose in hepatic impairment.',
};

/** Drugs whose drafts S-BILIRUBIN-HIGH checks. */
export const BILIRUBIN_RULE_DRUGS: readonly DrugKey[] = [
  'doxorubicin',
  'docetaxel',
  'trabectedin',
  'pazopanib',
  'eribulin',
];

/** §5 step 7 exceptions: `HISTOLOGY-SPECIFIC-OPTION` instead of `OFF-PATHWAY` (or `S-PEMBRO-SETTING`). */
export interface HistologySpecificOption {
  readonly drug: DrugKey;
  /** ICD-O-3 morphology codes of the histologies. */
  readonly morphologies: readonly string[];
  /** Only for metastatic disease. */
  readonly metastaticOnly: boolean;
  readonly sentence: string;
  readonly evidence: readonly EvidenceKey[];
}

/** §5 step 7: paclitaxel for angiosarcoma; pembrolizumab for metastatic UPS and dedifferentiated/pleomorphic LPS. */
export const HISTOLOGY_SPECIFIC_OPTIONS: readonly HistologySpecificOption[] = [
  {
    drug: 'paclitaxel',
    morphologies: ['9120/3'],
    metastaticOnly: false,
    sentence:
      'Weekly paclitaxel is an established histology-specific option in angiosarcoma (French Sarcoma Group phase II trial ANGIOTAX); it is outside this pathway.',
    evidence: ['ANGIOTAX'],
  },
  {
    drug: 'pembrolizumab',
    morphologies: ['8830/3', '8802/3', '8858/3', '8854/3'],
    metastaticOnly: true,
    sentence:
      'In SARC028 (phase 2), pembrolizumab produced responses in 4 of 10 patients with UPS and 2 of 10 with liposarcoma; it is outside this pathway; consider a clinical trial.',
    evidence: ['SARC028'],
  },
];

/** A card's `source.topic` for a node or rule (§1): the pathway CodeSystem, the id, its title. */
export const topicOf = (
  id: NodeId | RuleId,
  t: Thresholds = DEFAULT_THRESHOLDS,
): { readonly system: string; readonly code: string; readonly display: string } => ({
  system: SYSTEMS.pathwayNode,
  code: id,
  display: isRuleId(id) ? RULES[id].title : nodeTitle(id, t),
});
