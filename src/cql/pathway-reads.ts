/**
 * What the pathway reads of the FHIR data: for each FHIR class (as cql-exec-fhir names it: "Condition", "Coding",
 * "MedicationAdministration.Dosage"), the elements some CQL expression reads. Derived from the compiled ELM, so the
 * shape guard (src/cql/shape-guard.ts) is strict exactly where the CQL looks and tolerant everywhere else; a test
 * (test/integration/cql/pathway-reads.test.ts) runs the engine over the demo patients and fails when it reads an element
 * this derivation missed.
 *
 * Sources of reads in ELM (the translator runs with EnableResultTypes, so expressions carry their types):
 * - `Property` on a `source` expression (its type), or on a `scope` alias (the type of the query source it names);
 *   a property of a list is read on each element (CQL list flattening), of a choice on each choice;
 * - a `Retrieve`'s `codeProperty` and `dateProperty` on its `dataType`;
 * - the engine itself reads each resource's `id` (a record's identity);
 * - an extension url is read when the CQL compares `url.value` with a string (a literal or a define holding one).
 */
import { elementClasses } from './model-info.js';

/** What a reader of FHIR resources reads. */
export interface PathwayReads {
  /** FHIR class name (no namespace) to the element names read on it. */
  readonly elements: ReadonlyMap<string, ReadonlySet<string>>;
  /** The extension urls it reads (an extension with another url is never read). */
  readonly extensionUrls: ReadonlySet<string>;
}

/** Properties whose source type the derivation could not name (a bug in the derivation when not empty). */
export interface ElmReadsResult {
  readonly reads: PathwayReads;
  readonly unresolved: readonly string[];
}

const FHIR_NS = '{http://hl7.org/fhir}';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Names in scope while walking: query aliases, let clauses and function operands, each to its FHIR class names. */
interface Scope {
  readonly aliases: ReadonlyMap<string, readonly string[] | undefined>;
  readonly lets: ReadonlyMap<string, readonly string[] | undefined>;
  readonly operands: ReadonlyMap<string, readonly string[] | undefined>;
}

/** The FHIR class names a type specifier or type name stands for ([] for System and tuple types; undefined: unknown). */
function classesOfSpec(spec: unknown): string[] | undefined {
  if (!isJson(spec)) return undefined;
  switch (spec.type) {
    case 'NamedTypeSpecifier':
      return classesOfName(spec.name);
    case 'ListTypeSpecifier':
      return classesOfSpec(spec.elementType);
    case 'ChoiceTypeSpecifier': {
      const choices = Array.isArray(spec.choice) ? spec.choice : Array.isArray(spec.type) ? spec.type : [];
      const out: string[] = [];
      for (const c of choices) {
        const names = classesOfSpec(c);
        if (names === undefined) return undefined;
        out.push(...names);
      }
      return out;
    }
    case 'TupleTypeSpecifier':
    case 'IntervalTypeSpecifier':
      return [];
    default:
      return undefined;
  }
}

function classesOfName(name: unknown): string[] | undefined {
  if (typeof name !== 'string') return undefined;
  return name.startsWith(FHIR_NS) ? [name.slice(FHIR_NS.length)] : [];
}

/** The FHIR classes (no namespace) an element of a FHIR class holds; undefined when the class has no such element. */
export type ElementClasses = (cls: string, element: string) => readonly string[] | undefined;

/** The FHIR classes an expression evaluates to (or to lists of). */
function classesOf(expr: unknown, scope: Scope, model: ElementClasses): readonly string[] | undefined {
  if (!isJson(expr)) return undefined;
  if (expr.resultTypeName !== undefined) return classesOfName(expr.resultTypeName);
  if (expr.resultTypeSpecifier !== undefined) {
    const fromSpec = classesOfSpec(expr.resultTypeSpecifier);
    if (fromSpec !== undefined) return fromSpec;
  }
  // The translator leaves some properties untyped (a property of a function operand): the model knows the element.
  if (expr.type === 'Property' && typeof expr.path === 'string') {
    const owners = propertyOwners(expr, scope, model);
    if (owners === undefined) return undefined;
    const out: string[] = [];
    for (const owner of owners) {
      const held = model(owner, expr.path.split('.')[0] ?? expr.path);
      if (held === undefined) return undefined;
      out.push(...held);
    }
    return out;
  }
  const name = typeof expr.name === 'string' ? expr.name : undefined;
  if (name === undefined) return undefined;
  switch (expr.type) {
    case 'OperandRef':
      return scope.operands.get(name);
    case 'AliasRef':
      return scope.aliases.get(name);
    case 'QueryLetRef':
      return scope.lets.get(name);
    default:
      return undefined;
  }
}

/** The classes a Property reads from: its source's, or those of the alias it is scoped to. */
function propertyOwners(node: Json, scope: Scope, model: ElementClasses): readonly string[] | undefined {
  if (node.source !== undefined) return classesOf(node.source, scope, model);
  return typeof node.scope === 'string' ? scope.aliases.get(node.scope) : undefined;
}

/** Reads of every library (ELM JSON as the translator writes it). */
export function elmReads(libraries: readonly unknown[], model: ElementClasses): ElmReadsResult {
  const reads = new Map<string, Set<string>>();
  const unresolved = new Set<string>();
  const urlOperands: unknown[] = [];
  const stringDefs = new Map<string, string[]>();
  const add = (cls: string, element: string): void => {
    let set = reads.get(cls);
    if (set === undefined) reads.set(cls, (set = new Set()));
    set.add(element);
  };

  const walk = (node: unknown, scope: Scope, where: string): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, scope, where);
      return;
    }
    if (!isJson(node)) return;
    let inner = scope;
    if (node.type === 'FunctionDef' && Array.isArray(node.operand)) {
      const operands = new Map(scope.operands);
      for (const o of node.operand) {
        if (isJson(o) && typeof o.name === 'string')
          operands.set(o.name, classesOfSpec(o.operandTypeSpecifier) ?? classesOfName(o.operandType));
      }
      inner = { ...scope, operands };
    }
    if (node.type === 'Query') inner = queryScope(node, scope, model);
    if (node.type === 'Property' && typeof node.path === 'string') {
      const root = node.path.split('.')[0] ?? node.path;
      const classes = propertyOwners(node, inner, model);
      if (classes === undefined) unresolved.add(`${where}: ${root}`);
      else for (const c of classes) add(c, root);
    }
    if (node.type === 'Equal' && Array.isArray(node.operand) && node.operand.length === 2) {
      const [a, b] = node.operand as unknown[];
      if (isUrlValue(a)) urlOperands.push(b);
      if (isUrlValue(b)) urlOperands.push(a);
    }
    if (node.type === 'Retrieve' && typeof node.dataType === 'string' && node.dataType.startsWith(FHIR_NS)) {
      const cls = node.dataType.slice(FHIR_NS.length);
      add(cls, 'id');
      for (const p of [node.codeProperty, node.dateProperty]) if (typeof p === 'string') add(cls, p.split('.')[0] ?? p);
    }
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'annotation') walk(value, inner, where);
    }
  };

  for (const lib of libraries) {
    const library = isJson(lib) && isJson(lib.library) ? lib.library : undefined;
    const id =
      isJson(library?.identifier) && typeof library.identifier.id === 'string' ? library.identifier.id : 'library';
    const defs = isJson(library?.statements) && Array.isArray(library.statements.def) ? library.statements.def : [];
    const empty: Scope = { aliases: new Map(), lets: new Map(), operands: new Map() };
    for (const def of defs) {
      if (!isJson(def) || typeof def.name !== 'string') continue;
      walk(def, empty, `${id}.${def.name}`);
      const literal = stringLiteral(def.expression);
      if (literal !== undefined) stringDefs.set(def.name, [...(stringDefs.get(def.name) ?? []), literal]);
    }
  }
  const extensionUrls = new Set<string>();
  for (const operand of urlOperands) {
    const literal = stringLiteral(operand);
    const named =
      isJson(operand) && operand.type === 'ExpressionRef' && typeof operand.name === 'string'
        ? stringDefs.get(operand.name)
        : undefined;
    const urls = literal !== undefined ? [literal] : named;
    if (urls === undefined)
      unresolved.add(`an extension url compared with a ${isJson(operand) ? String(operand.type) : 'value'}`);
    for (const u of urls ?? []) extensionUrls.add(u);
  }
  return { reads: { elements: reads, extensionUrls }, unresolved: [...unresolved].sort() };
}

/** `X.url.value` (how CQL over FHIR reads an extension's url). */
function isUrlValue(v: unknown): boolean {
  return (
    isJson(v) &&
    v.type === 'Property' &&
    v.path === 'value' &&
    isJson(v.source) &&
    v.source.type === 'Property' &&
    v.source.path === 'url'
  );
}

function stringLiteral(v: unknown): string | undefined {
  return isJson(v) &&
    v.type === 'Literal' &&
    v.valueType === '{urn:hl7-org:elm-types:r1}String' &&
    typeof v.value === 'string'
    ? v.value
    : undefined;
}

/** The scope inside a query: its sources, relationships (with/without) and let clauses, in order. */
function queryScope(query: Json, outer: Scope, model: ElementClasses): Scope {
  const aliases = new Map(outer.aliases);
  const lets = new Map(outer.lets);
  const scope: Scope = { aliases, lets, operands: outer.operands };
  const bind = (clauses: unknown): void => {
    for (const s of Array.isArray(clauses) ? clauses : []) {
      if (isJson(s) && typeof s.alias === 'string') aliases.set(s.alias, classesOf(s.expression, scope, model));
    }
  };
  bind(query.source);
  bind(query.relationship);
  for (const l of Array.isArray(query.let) ? query.let : []) {
    if (isJson(l) && typeof l.identifier === 'string') lets.set(l.identifier, classesOf(l.expression, scope, model));
  }
  return scope;
}

/** Reads given as a list ({"MedicationRequest": ["id", "status"]}), for readers other than the CQL. */
export function listedReads(
  elements: Readonly<Record<string, readonly string[]>>,
  extensionUrls: readonly string[] = [],
): PathwayReads {
  return {
    elements: new Map(Object.entries(elements).map(([cls, names]) => [cls, new Set(names)])),
    extensionUrls: new Set(extensionUrls),
  };
}

/** The reads of the compiled libraries, typed with the engine's model info; throws when a read cannot be typed. */
export function cqlReads(libraries: readonly unknown[], modelInfo: object): PathwayReads {
  const { reads, unresolved } = elmReads(libraries, elementClasses(modelInfo));
  if (unresolved.length > 0)
    throw new Error(`The FHIR reads of the CQL could not all be typed: ${unresolved.join('; ')}`);
  return reads;
}
