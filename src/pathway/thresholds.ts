/**
 * PATHWAY.md §9: the one table of configurable thresholds. src/config.ts reads each from its environment variable,
 * src/cql/parameters.ts passes each CQL one to the libraries under its name, `npm run build:cql` writes their
 * declarations into the libraries (tools/cql-build/threshold-cql.ts), and card texts state them through placeholders
 * (src/pathway/card-words.ts `fillTemplate`), never as numbers.
 */

export type ThresholdType = 'integer' | 'decimal' | 'boolean';

export interface ThresholdDef {
  /** The §9 default. */
  readonly default: number | boolean;
  /** Unit as written after the value in card text ('' for none). */
  readonly unit: string;
  readonly type: ThresholdType;
  /** Environment variable read by src/config.ts. */
  readonly env: string;
  /** Earlier names of the variable, still read (setting two names of one threshold to different values is an error). */
  readonly envAliases?: readonly string[];
  /** Accepted range (numbers). */
  readonly min?: number;
  readonly max?: number;
  /** Name of the CQL parameter, or null when no library reads it (then the service applies it in TypeScript). */
  readonly cql: string | null;
  /** The §9 name column, in words. */
  readonly description: string;
}

export const THRESHOLDS = {
  lvefMinPercent: {
    default: 50,
    unit: '%',
    type: 'decimal',
    env: 'LVEF_MIN_PERCENT',
    min: 1,
    max: 100,
    cql: 'lvefMinPercent',
    description: 'LVEF below which doxorubicin is not recommended',
  },
  lvefRecencyDays: {
    default: 90,
    unit: 'days',
    type: 'integer',
    env: 'LVEF_RECENCY_DAYS',
    min: 1,
    max: 3650,
    cql: 'lvefRecencyDays',
    description: 'LVEF recency',
  },
  cumulativeDoxoWarnMgM2: {
    default: 300,
    unit: 'mg/m²',
    type: 'decimal',
    env: 'CUMULATIVE_DOXO_WARN_MG_M2',
    envAliases: ['DOXO_CUMULATIVE_WARN_MG_M2'],
    min: 1,
    max: 2000,
    cql: 'cumulativeDoxoWarnMgM2',
    description: 'cumulative doxorubicin, warning',
  },
  cumulativeDoxoCriticalMgM2: {
    default: 450,
    unit: 'mg/m²',
    type: 'decimal',
    env: 'CUMULATIVE_DOXO_CRITICAL_MG_M2',
    envAliases: ['DOXO_CUMULATIVE_CRITICAL_MG_M2'],
    min: 1,
    max: 2000,
    cql: 'cumulativeDoxoCriticalMgM2',
    description: 'cumulative doxorubicin, critical',
  },
  currentRegimenWindowDays: {
    default: 42,
    unit: 'days',
    type: 'integer',
    env: 'CURRENT_REGIMEN_WINDOW_DAYS',
    envAliases: ['CURRENT_REGIMEN_DAYS'],
    min: 1,
    max: 365,
    cql: 'currentRegimenWindowDays',
    description: 'current-regimen window (also the run gap)',
  },
  combinationWindowDays: {
    default: 7,
    unit: 'days',
    type: 'integer',
    env: 'COMBINATION_WINDOW_DAYS',
    envAliases: ['COMBINATION_DAYS'],
    min: 0,
    max: 60,
    cql: 'combinationWindowDays',
    description: 'combination partners given together',
  },
  maintenanceMaxDays: {
    default: 365,
    unit: 'days',
    type: 'integer',
    env: 'MAINTENANCE_MAX_DAYS',
    envAliases: ['TRAB_MAINTENANCE_DAYS'],
    min: 1,
    max: 3650,
    cql: 'maintenanceMaxDays',
    description: 'trabectedin maintenance, days from the first maintenance exposure',
  },
  maintenanceMaxCycles: {
    default: 17,
    unit: 'cycles',
    type: 'integer',
    env: 'MAINTENANCE_MAX_CYCLES',
    envAliases: ['TRAB_MAINTENANCE_MAX_CYCLES'],
    min: 1,
    max: 100,
    cql: 'maintenanceMaxCycles',
    description: 'trabectedin maintenance, exposure dates',
  },
  ecogRecencyDays: {
    default: 60,
    unit: 'days',
    type: 'integer',
    env: 'ECOG_RECENCY_DAYS',
    min: 1,
    max: 3650,
    cql: 'ecogRecencyDays',
    description: 'ECOG recency',
  },
  bsaWeightWindowDays: {
    default: 30,
    unit: 'days',
    type: 'integer',
    env: 'BSA_WEIGHT_WINDOW_DAYS',
    min: 0,
    max: 3650,
    cql: 'bsaWeightWindowDays',
    description: 'age of a BSA Observation or weight usable for a BSA on a date',
  },
  coverGapDays: {
    default: 28,
    unit: 'days',
    type: 'integer',
    env: 'COVER_GAP_DAYS',
    min: 1,
    max: 365,
    cql: 'coverGapDays',
    description: 'longest stretch of an order or statement without an administration that is still explained',
  },
  labRecencyDays: {
    default: 30,
    unit: 'days',
    type: 'integer',
    env: 'LAB_RECENCY_DAYS',
    min: 1,
    max: 3650,
    cql: 'labRecencyDays',
    description: 'bilirubin recency',
  },
  fhirMaxPages: {
    default: 10,
    unit: 'pages',
    type: 'integer',
    env: 'FHIR_MAX_PAGES',
    min: 1,
    max: 1000,
    cql: null,
    description: 'searchset pages followed through fhirServer before the type is incomplete',
  },
  completedRequestsAreAdministrations: {
    default: false,
    unit: '',
    type: 'boolean',
    env: 'COMPLETED_REQUESTS_ARE_ADMINISTRATIONS',
    cql: 'completedRequestsAreAdministrations',
    description: 'completed MedicationRequests are written after administration',
  },
  comboMaxTrialAge: {
    default: 60,
    unit: 'years',
    type: 'integer',
    env: 'COMBO_MAX_TRIAL_AGE',
    min: 18,
    max: 120,
    cql: 'comboMaxTrialAge',
    description: 'upper age of the doxorubicin + ifosfamide trial',
  },
  doxoSingleEventMaxMgM2: {
    default: 90,
    unit: 'mg/m²',
    type: 'decimal',
    env: 'DOXO_SINGLE_EVENT_MAX_MG_M2',
    min: 1,
    max: 2000,
    cql: 'doxoSingleEventMaxMgM2',
    description: 'plausibility flag for one doxorubicin dose event',
  },
} as const satisfies Record<string, ThresholdDef>;

export type ThresholdName = keyof typeof THRESHOLDS;

export const THRESHOLD_NAMES = Object.keys(THRESHOLDS) as readonly ThresholdName[];

/** The configured value of every §9 threshold. */
export type Thresholds = {
  readonly [K in ThresholdName]: (typeof THRESHOLDS)[K]['default'] extends boolean ? boolean : number;
};

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze(
  Object.fromEntries(THRESHOLD_NAMES.map((n) => [n, THRESHOLDS[n].default])) as unknown as Thresholds,
);

/** The thresholds the CQL libraries read, with their parameter names. */
export const CQL_THRESHOLDS: readonly {
  readonly name: ThresholdName;
  readonly cql: string;
  readonly type: ThresholdType;
}[] = THRESHOLD_NAMES.flatMap((name) => {
  const def: ThresholdDef = THRESHOLDS[name];
  return def.cql === null ? [] : [{ name, cql: def.cql, type: def.type }];
});
