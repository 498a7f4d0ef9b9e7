/**
 * Code system and profile URLs of PATHWAY.md §1 and §7 (the only place they are written down).
 */

/** Terminology and pathway system URLs (PATHWAY.md §1, §6, §7). */
export const SYSTEMS = {
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  icdo3: 'http://terminology.hl7.org/CodeSystem/icd-o-3',
  snomed: 'http://snomed.info/sct',
  loinc: 'http://loinc.org',
  ajcc: 'http://cancerstaging.org',
  ncit: 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  // FHIR core systems (not in PATHWAY.md) that data builders need to write valid resources.
  ucum: 'http://unitsofmeasure.org',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  observationInterpretation: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
  pathwayNode: 'http://sts-pathway-cds.org/fhir/CodeSystem/sts-pathway-node',
  overrideReason: 'http://sts-pathway-cds.org/fhir/CodeSystem/sts-override-reason',
  factsExtension: 'http://sts-pathway-cds.org/fhir/StructureDefinition/cds-card-facts',
} as const;

/** Base URL of the mCODE StructureDefinitions (PATHWAY.md §7). */
export const MCODE_BASE = 'http://hl7.org/fhir/us/mcode/StructureDefinition/';

/** mCODE profile URLs used to recognise resources (PATHWAY.md §7). */
export const MCODE_PROFILE = {
  base: MCODE_BASE,
  primaryCancerCondition: `${MCODE_BASE}mcode-primary-cancer-condition`,
  secondaryCancerCondition: `${MCODE_BASE}mcode-secondary-cancer-condition`,
  tnmStageGroup: `${MCODE_BASE}mcode-tnm-stage-group`,
  /** The older name of the stage group profile. */
  cancerStageGroup: `${MCODE_BASE}mcode-cancer-stage-group`,
  tnmDistantMetastasesCategory: `${MCODE_BASE}mcode-tnm-distant-metastases-category`,
  ecogPerformanceStatus: `${MCODE_BASE}mcode-ecog-performance-status`,
  histologicBehaviorAndType: `${MCODE_BASE}mcode-histologic-behavior-and-type`,
  histologicGrade: `${MCODE_BASE}mcode-histologic-grade`,
  cancerRelatedSurgicalProcedure: `${MCODE_BASE}mcode-cancer-related-surgical-procedure`,
} as const;

/** mCODE extension URLs (PATHWAY.md §2 F2, §7). */
export const MCODE_EXTENSION = {
  histologyMorphologyBehavior: `${MCODE_BASE}mcode-histology-morphology-behavior`,
} as const;

/** Core extension linking a secondary cancer to its primary, as the mCODE 4.0 examples use it (PATHWAY.md §2). */
export const CONDITION_RELATED_EXT = 'http://hl7.org/fhir/StructureDefinition/condition-related';
