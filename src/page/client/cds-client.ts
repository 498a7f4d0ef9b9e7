/**
 * What the page does as an EHR: read the demo FHIR server (same origin, `/fhir`), build prefetch from the service's
 * discovery templates, call the hooks and send feedback. Every response is `unknown` until narrowed here.
 */
import type { Bundle, FhirResource, MedicationRequest, Patient } from 'fhir/r4.js';
import type { Card } from '../../shared/cds-hooks.js';
import { isRecord } from './dom.js';

/** The outcome of one HTTP call: status and parsed JSON (or undefined), or the network error text. */
export interface HttpResult {
  readonly ok: boolean;
  readonly status: number;
  readonly body: unknown;
  readonly error?: string;
}

/** Fetches and parses JSON; never throws. */
export async function requestJson(url: string, init?: RequestInit): Promise<HttpResult> {
  try {
    const res = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init?.headers ?? {}) } });
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { ok: res.ok, status: res.status, body };
  } catch (err) {
    return { ok: false, status: 0, body: undefined, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The message of an OperationOutcome body, or a generic text for a status. */
export function problemText(r: HttpResult): string {
  if (r.error) return `network error: ${r.error}`;
  const issues = isRecord(r.body) && Array.isArray(r.body.issue) ? r.body.issue : [];
  const text = issues
    .map((i: unknown) => (isRecord(i) && typeof i.diagnostics === 'string' ? i.diagnostics : undefined))
    .filter((t): t is string => t !== undefined)
    .join('; ');
  return `HTTP ${r.status}${text ? `: ${text}` : ''}`;
}

export const isBundle = (v: unknown): v is Bundle => isRecord(v) && v.resourceType === 'Bundle';

const isResource = (v: unknown): v is FhirResource => isRecord(v) && typeof v.resourceType === 'string';

/** The resources of a Bundle's entries. */
export const bundleResources = (b: Bundle): FhirResource[] => (b.entry ?? []).map((e) => e.resource).filter(isResource);

/** A demo patient as the picker lists it. */
export interface PatientChoice {
  readonly id: string;
  readonly label: string;
}

/** "Family, Given (id)": the demo patients' names say what they demonstrate. */
export function patientLabel(p: Patient): string {
  const name = p.name?.[0];
  const text =
    name?.text ?? [name?.family, name?.given?.join(' ')].filter((x) => x !== undefined && x !== '').join(', ');
  return text ? `${text} (${p.id ?? '?'})` : (p.id ?? 'unnamed patient');
}

/** Lists the patients of the same-origin FHIR server. */
export async function listPatients(): Promise<PatientChoice[] | string> {
  const r = await requestJson('/fhir/Patient?_count=500');
  if (!r.ok || !isBundle(r.body)) return `the FHIR server at /fhir did not answer (${problemText(r)})`;
  return bundleResources(r.body)
    .filter((res): res is Patient => res.resourceType === 'Patient' && typeof res.id === 'string')
    .map((p) => ({ id: p.id ?? '', label: patientLabel(p) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** Prefetch templates of each service, from discovery. */
export async function discoverTemplates(): Promise<Map<string, Record<string, string>> | string> {
  const r = await requestJson('/cds-services');
  if (!r.ok || !isRecord(r.body) || !Array.isArray(r.body.services)) return `discovery failed (${problemText(r)})`;
  const out = new Map<string, Record<string, string>>();
  for (const s of r.body.services) {
    if (!isRecord(s) || typeof s.id !== 'string') continue;
    const templates: Record<string, string> = {};
    if (isRecord(s.prefetch))
      for (const [k, v] of Object.entries(s.prefetch)) if (typeof v === 'string') templates[k] = v;
    out.set(s.id, templates);
  }
  return out;
}

/** Fills `{{context.x}}` tokens; undefined when one has no value (an EHR then omits the key). */
export function fillTemplate(template: string, context: Readonly<Record<string, string>>): string | undefined {
  let missing = false;
  const out = template.replace(/\{\{\s*context\.([A-Za-z0-9_]+)\s*\}\}/g, (_t, name: string) => {
    const v = context[name];
    if (v === undefined) missing = true;
    return encodeURIComponent(v ?? '');
  });
  return missing || /\{\{/.test(out) ? undefined : out;
}

/** Runs each template against `/fhir` as the EHR would; a failed query leaves its key out. */
export async function prefetchFromFhir(
  templates: Readonly<Record<string, string>>,
  context: Readonly<Record<string, string>>,
): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(templates).map(async ([key, t]) => {
      const query = fillTemplate(t, context);
      if (query === undefined) return undefined;
      const r = await requestJson(`/fhir/${query}`);
      return r.ok && isResource(r.body) ? ([key, r.body] as const) : undefined;
    }),
  );
  return Object.fromEntries(entries.filter((e) => e !== undefined));
}

/** Prefetch from a pasted Bundle: reads get the resource itself, searches a searchset of that type's resources. */
export function prefetchFromBundle(
  templates: Readonly<Record<string, string>>,
  bundle: Bundle,
  patient: Patient,
): Record<string, unknown> {
  const resources = bundleResources(bundle);
  const out: Record<string, unknown> = {};
  for (const [key, t] of Object.entries(templates)) {
    const type = t.split(/[/?]/, 1)[0] ?? '';
    const isRead = !t.includes('?') && t.includes('/');
    if (isRead) {
      if (type === 'Patient') out[key] = patient;
      continue;
    }
    const matching = resources.filter((r) => r.resourceType === type);
    out[key] = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: matching.length,
      entry: matching.map((resource) => ({ resource })),
    };
  }
  return out;
}

const INDICATORS = new Set(['info', 'warning', 'critical']);

/** A card as the page can render it: summary, indicator and source present. */
export const isCard = (v: unknown): v is Card =>
  isRecord(v) &&
  typeof v.summary === 'string' &&
  typeof v.indicator === 'string' &&
  INDICATORS.has(v.indicator) &&
  isRecord(v.source);

/** Cards of a hook response, or why there are none. */
export interface HookResult {
  readonly cards: readonly Card[];
  readonly error?: string;
  /** Cards the page could not read. */
  readonly skipped: number;
}

/** POSTs a hook request to `/cds-services/<id>`. */
export async function callService(serviceId: string, request: Record<string, unknown>): Promise<HookResult> {
  const r = await requestJson(`/cds-services/${encodeURIComponent(serviceId)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (!r.ok || !isRecord(r.body) || !Array.isArray(r.body.cards))
    return { cards: [], skipped: 0, error: problemText(r) };
  const all: readonly unknown[] = r.body.cards;
  const cards = all.filter(isCard);
  return { cards, skipped: all.length - cards.length };
}

/** POSTs one feedback entry; returns the HTTP result. */
export function sendFeedback(serviceId: string, entry: Record<string, unknown>): Promise<HttpResult> {
  return requestJson(`/cds-services/${encodeURIComponent(serviceId)}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ feedback: [{ ...entry, outcomeTimestamp: new Date().toISOString() }] }),
  });
}

/** A random v4 UUID (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const isMedicationRequest = (v: unknown): v is MedicationRequest =>
  isRecord(v) && v.resourceType === 'MedicationRequest';
