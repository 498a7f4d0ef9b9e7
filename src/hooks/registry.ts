import type { CdsRequest, CdsResponse, CdsServiceDefinition } from '../shared/cds-hooks.js';
import type { PatientData } from '../fhir/types.js';
import { PATHWAY_VERSION } from '../pathway/version.js';
import { PREFETCH_TEMPLATES } from '../fhir/prefetch.js';
import type { Thresholds } from '../pathway/thresholds.js';
import type { CqlEngine } from '../cql/engine.js';
import { patientView } from './patient-view.js';
import { orderSelect } from './order-select.js';
import { orderSign } from './order-sign.js';
import type { OrderCardNote } from '../adherence/records.js';

/** What a hook module gets besides the request and the patient data. */
export interface HookDeps {
  /** The service clock, read once per request. */
  readonly now: Date;
  /** The CQL engine, created once at start (createCqlEngine). */
  readonly engine: CqlEngine;
  /** PATHWAY.md §9 thresholds (config.thresholds). */
  readonly thresholds: Thresholds;
  /** IANA time zone in which "now" is a date (config.timeZone). */
  readonly timeZone: string;
  /** Public base URL of the service for card `source.url` (`<baseUrl>/pathway#<id>`); no url when absent. */
  readonly baseUrl?: string;
  /** Told which drafts each order card judges, and how (the adherence record, src/adherence/). */
  readonly onOrderCards?: (notes: readonly OrderCardNote[]) => void;
}

export type HookHandler = (request: CdsRequest, data: PatientData, deps: HookDeps) => Promise<CdsResponse>;

export interface HookService {
  readonly definition: CdsServiceDefinition;
  /** Context fields the hook requires, checked before any data is read. */
  readonly handle: HookHandler;
}

const describe = (what: string): string => `Soft tissue sarcoma treatment pathway ${PATHWAY_VERSION}: ${what}`;

/** The services this CDS service offers; discovery and routing both read this list. */
export const HOOK_SERVICES: readonly HookService[] = [
  {
    definition: {
      hook: 'patient-view',
      id: 'sts-pathway-patient-view',
      title: 'STS pathway: where this patient stands',
      description: describe(
        'the recommended next step for an adult with soft tissue sarcoma, with the facts behind it.',
      ),
      prefetch: PREFETCH_TEMPLATES,
    },
    handle: patientView,
  },
  {
    definition: {
      hook: 'order-select',
      id: 'sts-pathway-order-select',
      title: 'STS pathway: is this drug on the pathway?',
      description: describe('whether a selected anticancer drug is on the pathway for this patient, and safe.'),
      prefetch: PREFETCH_TEMPLATES,
    },
    handle: orderSelect,
  },
  {
    definition: {
      hook: 'order-sign',
      id: 'sts-pathway-order-sign',
      title: 'STS pathway: check orders before signing',
      description: describe('checks every drafted anticancer drug against the pathway and its safety rules.'),
      prefetch: PREFETCH_TEMPLATES,
    },
    handle: orderSign,
  },
];

export function findService(id: string): HookService | undefined {
  return HOOK_SERVICES.find((s) => s.definition.id === id);
}
