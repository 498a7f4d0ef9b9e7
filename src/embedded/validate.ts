import { normalizeOperationOutcome, validateResource } from '@medplum/core';
import type { OperationOutcome } from 'fhir/r4.js';
import { isRecord } from '../shared/guards.js';

type MedplumResource = Parameters<typeof validateResource>[0];

/** The least Medplum's validator needs to start: an object naming its type (it checks the rest). */
function isResourceLike(v: unknown): v is MedplumResource {
  return isRecord(v) && typeof v.resourceType === 'string';
}

/**
 * Checks a write's body against the R4 definitions, as a real FHIR server would (Medplum's MemoryRepository stores
 * anything, even an unknown resource type): the resource itself, or every written entry of a batch/transaction.
 * Returns the OperationOutcome to answer with (400), or undefined when the body is valid.
 */
export function invalidWrite(body: unknown): OperationOutcome | undefined {
  if (!isRecord(body)) return undefined;
  if (
    body.resourceType === 'Bundle' &&
    (body.type === 'transaction' || body.type === 'batch') &&
    Array.isArray(body.entry)
  ) {
    for (const [i, entry] of body.entry.entries()) {
      const resource: unknown = isRecord(entry) ? entry.resource : undefined;
      if (resource === undefined) continue;
      const problem = check(resource, `Bundle.entry[${i}].resource`);
      if (problem) return problem;
    }
    return undefined;
  }
  return check(body, typeof body.resourceType === 'string' ? body.resourceType : 'resource');
}

function check(resource: unknown, where: string): OperationOutcome | undefined {
  if (!isResourceLike(resource)) return invalid(`${where}: not a FHIR resource`);
  try {
    validateResource(resource);
    return undefined;
  } catch (err) {
    const issue = normalizeOperationOutcome(err).issue?.[0];
    const text = issue?.diagnostics ?? issue?.details?.text ?? 'invalid resource';
    const path = issue?.expression?.[0];
    return invalid(`${where} (${resource.resourceType}): ${text}${path ? ` at ${path}` : ''}`);
  }
}

function invalid(diagnostics: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics }] };
}
