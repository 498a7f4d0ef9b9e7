/**
 * patient-view (https://cds-hooks.org/hooks/patient-view/): where the patient stands on the STS pathway (PATHWAY.md §3).
 */
import { buildPathwayCards, wordPathwayDecision } from '../cards/index.js';
import { evaluatePathway } from '../cql/pathway.js';
import type { HookDeps } from './registry.js';
import type { CdsRequest, CdsResponse } from '../shared/cds-hooks.js';
import type { PatientData } from '../fhir/types.js';

/** The patient-view cards: one per decided node; none without an STS Condition. */
export async function patientView(request: CdsRequest, data: PatientData, deps: HookDeps): Promise<CdsResponse> {
  const decision = await evaluatePathway(deps.engine, data, {
    now: deps.now,
    thresholds: deps.thresholds,
    timeZone: deps.timeZone,
  });
  const patientRef = `Patient/${String(request.context.patientId)}`;
  return {
    cards: buildPathwayCards(wordPathwayDecision(decision, deps.thresholds), {
      patientRef,
      now: deps.now,
      thresholds: deps.thresholds,
      ...(deps.baseUrl !== undefined ? { baseUrl: deps.baseUrl } : {}),
    }),
  };
}
