/**
 * The start-up warm-up. V8 optimizes a function once it has run often enough, and the compiled engine's ~1,000
 * generated functions each run about once per evaluation, so a new process answers its first several hundred cold
 * requests with unoptimized code, several times slower (bench/profile.md, "Eighth pass" and "Tenth pass"). Before the
 * server listens (src/server.ts), the hook path (data path, engine, cards) runs on the demo patients until a time
 * budget is spent, with an engine of its own without a result cache: every round is evaluated, and nothing is cached,
 * counted in the metrics or recorded in the adherence store. The generated modules, the engine's run-time support, the
 * data path and the card builders it optimizes are the ones the service runs.
 */
import type { Bundle, Resource } from 'fhir/r4.js';
import type { CqlEngine } from '../cql/engine.js';
import { PREFETCH_TEMPLATES, isReadTemplate, prefetchFromResources } from '../fhir/prefetch.js';
import { loadPatientData, type DataPathConfig } from '../fhir/patient-data.js';
import type { Thresholds } from '../pathway/thresholds.js';
import type { CdsRequest } from '../shared/cds-hooks.js';
import { patientView } from './patient-view.js';
import { orderSelect } from './order-select.js';
import type { HookHandler } from './registry.js';

/** What the warm-up runs on. */
export interface WarmUpDeps {
  /** An engine for the warm-up alone, made without a result cache (`resultCacheSize: 0`). */
  readonly engine: CqlEngine;
  readonly config: DataPathConfig & { readonly thresholds: Thresholds; readonly timeZone: string };
}

/** What a warm-up did. */
export interface WarmUpSummary {
  readonly requests: number;
  readonly rounds: number;
  readonly ms: number;
}

/**
 * Rounds over the demo patients at most: ~700 evaluations optimize the engine (bench/profile.md), and a round is one
 * patient-view and one order-select per patient.
 */
const MAX_ROUNDS = 12;

/** The prefetch an EHR would send for `resources`, its reads (the Patient) a new version each round. */
function prefetchOf(resources: readonly Resource[], round: number): Record<string, unknown> {
  const prefetch = prefetchFromResources(resources);
  for (const [key, template] of Object.entries(PREFETCH_TEMPLATES)) {
    const read = prefetch[key];
    // A new version each round, as a changed record would be.
    if (isReadTemplate(template) && read !== undefined)
      prefetch[key] = { ...read, meta: { versionId: `warm-up-${round}` } };
  }
  return prefetch;
}

/** A patient-view and an order-select (a doxorubicin draft) request for one demo patient. */
function requestsFor(bundle: Bundle, round: number): { handle: HookHandler; request: CdsRequest }[] {
  const resources = (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : []));
  const patientId = resources.find((r) => r.resourceType === 'Patient')?.id;
  if (patientId === undefined) return [];
  const prefetch = prefetchOf(resources, round);
  const context = { userId: 'Practitioner/warm-up', patientId };
  const draft = {
    resourceType: 'MedicationRequest',
    id: 'warm-up-draft',
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { text: 'doxorubicin' },
  };
  const hookInstance = `warm-up-${round}`;
  return [
    { handle: patientView, request: { hook: 'patient-view', hookInstance, context, prefetch } },
    {
      handle: orderSelect,
      request: {
        hook: 'order-select',
        hookInstance,
        context: {
          ...context,
          draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] },
          selections: ['MedicationRequest/warm-up-draft'],
        },
        prefetch,
      },
    },
  ];
}

/**
 * Runs the hook path on `bundles` (the demo patients): one round, then more while `budgetMs` of wall time is not
 * spent (the round under way is finished), at most MAX_ROUNDS. A request that fails is skipped: the warm-up never
 * stops the service.
 */
export async function warmUpHooks(
  bundles: readonly Bundle[],
  deps: WarmUpDeps,
  budgetMs: number,
): Promise<WarmUpSummary> {
  const started = performance.now();
  const { engine, config } = deps;
  let requests = 0;
  let rounds = 0;
  do {
    for (const bundle of bundles) {
      for (const { handle, request } of requestsFor(bundle, rounds)) {
        try {
          const data = await loadPatientData(request, { config, shapeGuard: engine.shapeGuard });
          await handle(request, data, {
            now: new Date(),
            engine,
            thresholds: config.thresholds,
            timeZone: config.timeZone,
            baseUrl: 'http://localhost',
          });
          requests++;
        } catch {
          // A demo patient a hook refuses (412, 400) still warmed what ran before the refusal.
        }
      }
    }
    rounds++;
  } while (rounds < MAX_ROUNDS && performance.now() - started < budgetMs);
  return { requests, rounds, ms: Math.round(performance.now() - started) };
}
