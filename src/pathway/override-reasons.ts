/**
 * Override reasons of PATHWAY.md §5, for order-time warning and critical cards.
 */
import type { CodeDef } from './codes.js';
import { SYSTEMS } from './systems.js';

const reason = (code: string, display: string): CodeDef => ({ system: SYSTEMS.overrideReason, code, display });

/** §5 override reasons (CodeSystem of §1). */
export const OVERRIDE_REASONS: readonly CodeDef[] = [
  reason('patient-preference', 'Patient preference'),
  reason('clinical-trial', 'Treatment within a clinical trial'),
  reason('contraindication', 'Contraindication to the on-pathway options'),
  reason('prior-toxicity', 'Prior toxicity to the on-pathway options'),
  reason('tumor-board', 'Multidisciplinary tumor board decision'),
  // Offered only on the cardiac rules' cards (CARDIAC_RULES, src/pathway/rules.ts).
  reason('cardio-oncology-cleared', 'Cardio-oncology review completed, or LVEF assessed outside this record'),
  reason('data-incorrect', 'The patient data behind this card is incorrect'),
  reason('other', 'Other clinical reason'),
];
