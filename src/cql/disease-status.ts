/**
 * F10 disease status in words (PATHWAY.md F10, §3 "Later-line wording"): the value of a status as the cards name it.
 */
import { DISEASE_STATUS_VALUES } from '../pathway/codes.js';
import { DISEASE_STATUS_WORDS } from '../pathway/treatment-words.js';
import type { PlainValue } from './plain.js';

/** A disease status value in words: the PATHWAY.md name of its code, else its recorded text, else its class. */
export function diseaseStatusWords(reading: { readonly [key: string]: PlainValue } | undefined): string {
  const code = typeof reading?.code === 'string' ? reading.code : undefined;
  const listed = DISEASE_STATUS_VALUES.find((v) => v.code === code)?.display;
  if (listed !== undefined) return listed;
  if (typeof reading?.text === 'string' && reading.text !== '') return reading.text;
  return DISEASE_STATUS_WORDS[typeof reading?.status === 'string' ? reading.status : 'unknown'] ?? 'unknown';
}
