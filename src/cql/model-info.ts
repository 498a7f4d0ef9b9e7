/**
 * cql-exec-fhir's parsed FHIR 4.0.1 model info (ClassInfo / ClassElement / type specifiers), narrowed to plain data for
 * the readers of the same model: the shape guard (src/cql/shape-guard.ts) and the read derivation
 * (src/cql/pathway-reads.ts).
 */

/** A type specifier of cql-exec-fhir, as plain data. */
export type TypeSpec =
  | { readonly kind: 'named'; readonly namespace: string | undefined; readonly name: string }
  | { readonly kind: 'list'; readonly element: TypeSpec }
  | { readonly kind: 'choice'; readonly choices: readonly TypeSpec[] }
  | { readonly kind: 'other' };

export interface ClassView {
  readonly name: string;
  readonly base: TypeSpec | undefined;
  readonly elements: readonly { readonly name: string; readonly type: TypeSpec }[];
}

/** Reads a property of one of cql-exec-fhir's class instances (getters live on the prototype). */
function prop(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null ? Reflect.get(o, key) : undefined;
}

function toTypeSpec(ts: unknown): TypeSpec {
  if (prop(ts, 'isNamed') === true) {
    const name = prop(ts, 'name');
    const namespace = prop(ts, 'namespace');
    if (typeof name === 'string')
      return { kind: 'named', name, namespace: typeof namespace === 'string' ? namespace : undefined };
  }
  if (prop(ts, 'isList') === true) return { kind: 'list', element: toTypeSpec(prop(ts, 'elementType')) };
  if (prop(ts, 'isChoice') === true) {
    const choices = prop(ts, 'choices');
    return { kind: 'choice', choices: Array.isArray(choices) ? choices.map(toTypeSpec) : [] };
  }
  return { kind: 'other' };
}

/** The class `name` ("Observation", "FHIR.Observation", "Observation.Component") of the model, narrowed. */
export function classOf(modelInfo: object, name: string): ClassView | undefined {
  const findClass: unknown = Reflect.get(modelInfo, 'findClass');
  if (typeof findClass !== 'function')
    throw new Error('cql-exec-fhir: ModelInfo.findClass not found (version changed?)');
  const c: unknown = Reflect.apply(findClass, modelInfo, [name]);
  const className = prop(c, 'name');
  if (typeof className !== 'string') return undefined;
  const elements = prop(c, 'elements');
  const base = prop(c, 'baseTypeSpecifier');
  return {
    name: className,
    base: base === undefined || base === null ? undefined : toTypeSpec(base),
    elements: (Array.isArray(elements) ? elements : []).flatMap((e: unknown) => {
      const n = prop(e, 'name');
      return typeof n === 'string' ? [{ name: n, type: toTypeSpec(prop(e, 'typeSpecifier')) }] : [];
    }),
  };
}

export const fqn = (t: TypeSpec & { kind: 'named' }): string =>
  t.namespace !== undefined ? `${t.namespace}.${t.name}` : t.name;

/** The FHIR classes (no namespace) an element of `cls` holds: the type of `element`, of its list items or its choices. */
export function elementClasses(modelInfo: object): (cls: string, element: string) => string[] | undefined {
  const memo = new Map<string, string[] | undefined>();
  const namesOf = (t: TypeSpec): string[] => {
    if (t.kind === 'named') return t.namespace === 'FHIR' ? [t.name] : [];
    if (t.kind === 'list') return namesOf(t.element);
    if (t.kind === 'choice') return t.choices.flatMap(namesOf);
    return [];
  };
  return (cls, element) => {
    const key = `${cls}|${element}`;
    if (memo.has(key)) return memo.get(key);
    let found: string[] | undefined;
    for (let c = classOf(modelInfo, `FHIR.${cls}`) ?? classOf(modelInfo, cls), i = 0; c !== undefined && i < 20; i++) {
      const e = c.elements.find((x) => x.name === element);
      if (e !== undefined) {
        found = namesOf(e.type);
        break;
      }
      c = c.base?.kind === 'named' && c.base.namespace !== 'System' ? classOf(modelInfo, fqn(c.base)) : undefined;
    }
    memo.set(key, found);
    return found;
  };
}
