/**
 * The shape check the data path runs on every resource before the engine reads it (PATHWAY.md §2 "Unreadable data").
 * The data path owns this port; the engine implements it from its own FHIR model (src/cql/shape-guard.ts) and the
 * app hands the engine's guard in (`engine.shapeGuard`), so src/fhir/ never imports the engine.
 */
import { isRecord } from '../shared/guards.js';
import { FHIR_ID } from '../shared/fhir-id.js';

/** Why a resource does not fit the model: the first field (a path) that does not. */
export interface ShapeProblem {
  /** Path of the field, e.g. `code`, `category[0].coding`, `_birthDate.extension[0].url`. */
  readonly field: string;
  /** "field 'code' has the wrong type". */
  readonly message: string;
}

/** What the guard made of one resource. */
export interface ShapeCheck {
  /** The first field the pathway reads that does not fit: the resource cannot be used. */
  readonly problem?: ShapeProblem;
  /** The resource to use: the input itself, or a copy without the ill-typed fields the pathway does not read. */
  readonly resource: unknown;
  /** Paths of the fields dropped (at most the guard's bound, src/cql/shape-guard.ts MAX_IGNORED). */
  readonly ignored: readonly string[];
}

/** What the data path asks of a shape guard. */
export interface ResourceShapeGuard {
  inspect(resource: unknown): ShapeCheck;
  /** `inspect(resource).problem`. */
  check(resource: unknown): ShapeProblem | undefined;
}

/** "Observation/abc: field 'code' has the wrong type" (the type alone when the resource has no usable id). */
export function describeShapeProblem(resource: unknown, problem: ShapeProblem): string {
  const type =
    isRecord(resource) && typeof resource.resourceType === 'string' ? resource.resourceType.slice(0, 64) : 'resource';
  const id =
    isRecord(resource) && typeof resource.id === 'string' && FHIR_ID.test(resource.id) ? resource.id : undefined;
  return `${id !== undefined ? `${type}/${id}` : `a ${type} without a valid id`}: ${problem.message}`;
}
