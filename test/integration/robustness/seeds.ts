/**
 * Valid starting points for the fuzzer: demo patients (demo/*.json) as the full prefetch an EHR would send, with the
 * draft orders their index entry names. Mutations of realistic data reach deeper than random JSON would.
 */
import { readFileSync } from 'node:fs';
import type { Bundle, FhirResource, MedicationRequest } from 'fhir/r4.js';
import { DEMO_DIR } from '../../../src/embedded/index.js';
import { PREFETCH_TEMPLATES, templateResourceType } from '../../../src/fhir/prefetch.js';
import { DRUGS, type DrugKey } from '../../../src/pathway/index.js';
import { draftOf } from '../../e2e/order-helpers.js';

export const HOOKS = ['patient-view', 'order-select', 'order-sign'] as const;
export type Hook = (typeof HOOKS)[number];

/** The demo patients used as seeds: localized, metastatic lines 1-3, cumulative doxorubicin, text-only meds, none. */
const SEED_PATIENTS = [
  'sts-ups-arm',
  'sts-lms-1l',
  'sts-lms-doxo-trab',
  'sts-lps-3l',
  'sts-synovial-3l',
  'sts-doxo-450',
  'sts-lms-lvef45',
  'sts-meds-text-only',
  'sts-gist',
  'sts-none',
] as const;

export interface Seed {
  readonly patientId: string;
  /** Prefetch keyed like PREFETCH_TEMPLATES: the Patient resource, searchset Bundles for the rest. */
  readonly prefetch: Readonly<Record<string, unknown>>;
  /** §6 drugs an order hook may draft for this patient. */
  readonly drugs: readonly DrugKey[];
}

const isDrug = (d: unknown): d is DrugKey => typeof d === 'string' && Object.hasOwn(DRUGS, d);

function loadSeed(patientId: string): Seed {
  const bundle = JSON.parse(readFileSync(`${DEMO_DIR}${patientId}.json`, 'utf8')) as Bundle<FhirResource>;
  const resources = (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(PREFETCH_TEMPLATES)) {
    const type = templateResourceType(template);
    const ofType = resources.filter((r) => r.resourceType === type);
    prefetch[key] = template.includes('?') ? searchset(ofType) : ofType[0];
  }
  const index = JSON.parse(readFileSync(`${DEMO_DIR}index.json`, 'utf8')) as {
    patientId: string;
    orders: { drugs: unknown[] }[];
  }[];
  const drugs = (index.find((p) => p.patientId === patientId)?.orders ?? []).flatMap((o) => o.drugs.filter(isDrug));
  return { patientId, prefetch, drugs: drugs.length > 0 ? drugs : ['doxorubicin'] };
}

let cache: readonly Seed[] | undefined;
/** The seeds, read once. */
export const seeds = (): readonly Seed[] => (cache ??= SEED_PATIENTS.map(loadSeed));

export function searchset(resources: readonly FhirResource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    entry: resources.map((resource) => ({ resource })),
  };
}

/** A draft MedicationRequest for a §6 drug, named by ingredient text as an order entry screen sends it. */
export function draft(drug: DrugKey, patientId: string, id: string): MedicationRequest {
  return draftOf(drug, patientId, id);
}

/** A valid request body for `hook` on the seed (a fresh object: the fuzzer mutates it). */
export function seedRequest(seed: Seed, hook: Hook, draftCount = 1): Record<string, unknown> {
  const context: Record<string, unknown> = { userId: 'Practitioner/fuzz', patientId: seed.patientId };
  if (hook !== 'patient-view') {
    const drafts = seed.drugs.slice(0, Math.max(1, draftCount)).map((d, i) => draft(d, seed.patientId, `draft-${i}`));
    context.draftOrders = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: drafts.map((resource) => ({ resource })),
    };
    if (hook === 'order-select') context.selections = drafts.slice(0, 1).map((d) => `MedicationRequest/${d.id ?? ''}`);
  }
  return structuredClone({
    hook,
    hookInstance: 'f0f0f0f0-0000-4000-8000-00000000f022',
    context,
    prefetch: seed.prefetch,
  });
}

/** A valid feedback body (fresh object). */
export function seedFeedback(): Record<string, unknown> {
  return {
    feedback: [
      {
        card: 'c0f6f4f1-7c1e-4f4c-9d49-6c1d1f3a1b2c',
        outcome: 'accepted',
        acceptedSuggestions: [{ id: '5b0d2c0e-6f4e-4a43-8f0e-2d7a3c1b9e11' }],
        outcomeTimestamp: '2026-11-23T10:00:00Z',
      },
    ],
  };
}
