/**
 * F10 disease status in words (PATHWAY.md F10, §3 "Later-line wording"): the value of a status as the cards name it.
 */
import type { DiseaseStatusFact } from '../cql/patient-facts.js';
import { DISEASE_STATUS_VALUES, DISEASE_STATUS_WORDS } from '../pathway/index.js';

/** A disease status value in words: the PATHWAY.md name of its code, else its recorded text, else its class. */
export function diseaseStatusWords(reading: DiseaseStatusFact | undefined): string {
  const listed = DISEASE_STATUS_VALUES.find((v) => v.code === reading?.code)?.display;
  if (listed !== undefined) return listed;
  if (reading?.text !== undefined) return reading.text;
  return DISEASE_STATUS_WORDS[reading?.status ?? 'unknown'] ?? 'unknown';
}
