/**
 * Checks every test applies to emitted cards: FHIR validity of each suggested resource (the `fhir` package validator),
 * CDS Hooks response schema, and that nothing marked "(to verify)" in PATHWAY.md is emitted or shown
 * (test/helpers/to-verify.ts; the jest setup applies that part to every response of the suite as well).
 */
import FhirModule from 'fhir';
import type { Card } from '../../src/shared/cds-hooks.js';
import { cdsResponseErrors } from './cds-schema.js';
import { toVerifyProblems } from './to-verify.js';

const fhir = new FhirModule.Fhir();

/** Validation errors of one FHIR R4 resource, as readable lines; empty when valid. */
export function fhirErrors(resource: unknown): string[] {
  const result = fhir.validate(resource as object);
  // Its string value: the package declares the Severities enum on its index, but index.js does not export it.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-comparison
  return result.messages.filter((m) => m.severity === 'error').map((m) => `${m.location ?? ''}: ${m.message ?? ''}`);
}

/** Every resource a card's suggestions would create. */
export function createdResources(cards: readonly Card[]): unknown[] {
  return cards.flatMap((c) =>
    (c.suggestions ?? []).flatMap((s) => (s.actions ?? []).flatMap((a) => (a.resource ? [a.resource] : []))),
  );
}

/** Every {system, code} pair anywhere in a JSON value. */
export function codingsIn(value: unknown): { system: string; code: string }[] {
  const out: { system: string; code: string }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      if (typeof o.system === 'string' && typeof o.code === 'string') out.push({ system: o.system, code: o.code });
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  return out;
}

/** All problems of a CDS response: schema, FHIR validity of created resources, "(to verify)" codes and clauses. */
export function responseProblems(body: { cards: readonly Card[] }): string[] {
  const problems = cdsResponseErrors(body);
  for (const r of createdResources(body.cards)) problems.push(...fhirErrors(r));
  problems.push(...toVerifyProblems(body));
  return problems;
}
