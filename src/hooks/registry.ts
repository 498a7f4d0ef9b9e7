import type { CdsRequest, CdsResponse, CdsServiceDefinition, PatientData } from './types.js';
import { PATHWAY_VERSION } from '../pathway/version.js';
import { PREFETCH_TEMPLATES } from '../fhir/prefetch.js';

/** What a hook module gets besides the request: the patient data and the service clock. */
export interface HookDeps {
  readonly now: Date;
}

export type HookHandler = (request: CdsRequest, data: PatientData, deps: HookDeps) => Promise<CdsResponse>;

export interface HookService {
  readonly definition: CdsServiceDefinition;
  /** Context fields the hook requires, checked before any data is read. */
  readonly handle: HookHandler;
}

const noCards: HookHandler = async () => ({ cards: [] });

const describe = (what: string): string =>
  `Soft tissue sarcoma treatment pathway ${PATHWAY_VERSION}: ${what}`;

/** The services this CDS service offers; discovery and routing both read this list. */
export const HOOK_SERVICES: readonly HookService[] = [
  {
    definition: {
      hook: 'patient-view',
      id: 'sts-pathway-patient-view',
      title: 'STS pathway: where this patient stands',
      description: describe('the recommended next step for an adult with soft tissue sarcoma, with the facts behind it.'),
      prefetch: PREFETCH_TEMPLATES,
    },
    handle: noCards,
  },
  {
    definition: {
      hook: 'order-select',
      id: 'sts-pathway-order-select',
      title: 'STS pathway: is this drug on the pathway?',
      description: describe('whether a selected anticancer drug is on the pathway for this patient, and safe.'),
      prefetch: PREFETCH_TEMPLATES,
    },
    handle: noCards,
  },
  {
    definition: {
      hook: 'order-sign',
      id: 'sts-pathway-order-sign',
      title: 'STS pathway: check orders before signing',
      description: describe('checks every drafted anticancer drug against the pathway and its safety rules.'),
      prefetch: PREFETCH_TEMPLATES,
    },
    handle: noCards,
  },
];

export function findService(id: string): HookService | undefined {
  return HOOK_SERVICES.find((s) => s.definition.id === id);
}
