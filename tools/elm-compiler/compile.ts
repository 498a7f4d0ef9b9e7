/**
 * The ELM compiler: turns one translated CQL library (cql/<Name>.elm.json) into a TypeScript module of plain,
 * synchronous functions (src/engine/compiled/<Name>.ts) that call src/engine/runtime/. Each ELM node becomes the
 * JavaScript expression that does what cql-execution 3.3.2's `exec` of that node does (read in its source);
 * tools/elm-compiler/README.md lists the choices reproduced. A node it cannot compile stops the
 * build with the library, the define and the node's locator (`CompileError`), unless `lenient` is set, which emits a
 * call that throws the same message when (and only if) that code runs.
 */

type Node = any;

/** A node the compiler cannot compile, with where it is. */
export class CompileError extends Error {}

export interface CompileOptions {
  /** Emit a throwing stub for unsupported nodes instead of failing (the unsupported list is returned). */
  readonly lenient?: boolean;
  /**
   * Every library's ELM by library id (the includes'), so a call into an included library goes straight to its
   * function and a reference to its define to that define. Without it, those go through the library's tables.
   */
  readonly libraries?: Readonly<Record<string, Node>>;
  /**
   * The FHIR class names (`{http://hl7.org/fhir}X`) a value of FHIR class `type` is an instance of: its own and its
   * ancestors' (cql-exec-fhir's `_typeHierarchy`); undefined for a class the model info lacks. With it, an overloaded
   * call whose argument the ELM types as a FHIR class is resolved at build time.
   */
  readonly fhirHierarchy?: (type: string) => readonly string[] | undefined;
  /**
   * The type the model info gives field `field` of FHIR class `type` (a named FHIR class, or a list of one), as an
   * ELM type specifier; undefined for a choice, a System type or an unknown field. Only a guess for planned reads.
   */
  readonly fhirFieldType?: (type: string, field: string) => Node;
}

export interface CompiledLibrary {
  readonly name: string;
  readonly text: string;
  /** `library define locator: node type` of every node compiled as a stub (lenient mode only). */
  readonly unsupported: readonly string[];
}

const SYSTEM = '{urn:hl7-org:elm-types:r1}';
const FHIR = '{http://hl7.org/fhir}';

/**
 * The one-operand overload (FunctionDef) cql-execution calls for every non-null value of ELM type `type`, when that
 * type is a FHIR class and each candidate's operand type is a FHIR class that every value of it matches (an ancestor
 * or itself) or none does (unrelated): the last that matches. Undefined when a candidate could match some values and
 * not others (a subclass of the type), when none matches (the call fails at run time, as the dispatcher's does), or
 * for any other type.
 */
export function staticOverload(
  type: unknown,
  candidates: readonly Node[],
  fhirHierarchy: (type: string) => readonly string[] | undefined,
): Node {
  if (typeof type !== 'string' || !type.startsWith(FHIR)) return undefined;
  const own = fhirHierarchy(type);
  if (own === undefined) return undefined;
  let chosen: Node = undefined;
  for (const f of candidates) {
    if ((f.operand ?? []).length !== 1) return undefined;
    const spec = f.operand[0].operandTypeSpecifier ?? { type: 'NamedTypeSpecifier', name: f.operand[0].operandType };
    if (spec?.type !== 'NamedTypeSpecifier' || typeof spec.name !== 'string' || !spec.name.startsWith(FHIR))
      return undefined;
    if (own.includes(spec.name)) chosen = f;
    // Neither an ancestor nor a subclass: no value of the type matches it.
    else if (fhirHierarchy(spec.name)?.includes(type) !== false) return undefined;
  }
  return chosen;
}

interface Scope {
  readonly vars: ReadonlyMap<string, string>;
  /** The ELM type (a type specifier) of query aliases' rows, lets and function operands, where the ELM gives it. */
  readonly specs?: ReadonlyMap<string, Node>;
  /** True in a define's own context (not inside a query row, a function body or a sort). */
  readonly atRoot: boolean;
}

const js = (s: unknown): string => JSON.stringify(s);

/** Compiles one library. `libraries` maps every library id to its ELM (for included libraries' names). */
export function compileLibrary(elm: Node, options: CompileOptions = {}): CompiledLibrary {
  const lib = elm.library;
  const name: string = lib.identifier.id;
  const unsupported: string[] = [];
  const includes = new Map<string, string>();
  for (const inc of lib.includes?.def ?? []) includes.set(inc.localIdentifier, inc.path);
  const statements: Node[] = lib.statements?.def ?? [];
  const defines = statements.filter((s) => s.type !== 'FunctionDef');
  const functions = statements.filter((s) => s.type === 'FunctionDef');
  const defineVar = new Map<string, string>();
  defines.forEach((d, i) => defineVar.set(d.name, `d${i}`));
  const overloads = new Map<string, Node[]>();
  for (const f of functions) {
    const list = overloads.get(f.name) ?? [];
    list.push(f);
    overloads.set(f.name, list);
  }
  const functionVar = new Map<Node, string>();
  functions.forEach((f, i) => functionVar.set(f, `f${i}`));
  const parameters = new Map<string, Node>();
  for (const p of lib.parameters?.def ?? []) parameters.set(p.name, p);
  const valueSets = new Map<string, Node>();
  for (const v of lib.valueSets?.def ?? []) valueSets.set(v.name, v);

  let current = '';
  // Constant type specifiers, emitted once at module level.
  const constants = new Map<string, string>();
  const constant = (value: unknown): string => {
    const text = js(value);
    let v = constants.get(text);
    if (v === undefined) {
      v = `K${constants.size}`;
      constants.set(text, v);
    }
    return v;
  };
  let tmp = 0;
  const fresh = (prefix: string): string => `${prefix}${tmp++}`;
  // Statements that run before the expression being compiled, in the block being compiled (a define's or function's
  // body, a query row, a branch). Queries, conditionals and temporaries become statements here, so an evaluation
  // allocates no closure per query or row. A part that runs only sometimes (a branch, a lazy operand) is compiled
  // into its own block (`sub`); pure parts may move before their neighbours, as nothing an operand does is visible to
  // another one (defines are memoized values, the runtime keeps no state an operand could change).
  let block: string[] = [];
  const sub = (f: () => string): { stmts: string[]; expr: string } => {
    const saved = block;
    block = [];
    try {
      const expr = f();
      return { stmts: block, expr };
    } finally {
      block = saved;
    }
  };
  const emit = (...stmts: string[]): void => {
    block.push(...stmts);
  };
  /** A block's statements and the assignment of its value to `target`. */
  const assign = (target: string, part: { stmts: string[]; expr: string }): string =>
    [...part.stmts, `${target} = ${part.expr};`].join('\n');
  /** A thunk of a lazy part: the expression alone, or its statements and a return. */
  const thunk = (part: { stmts: string[]; expr: string }): string =>
    part.stmts.length === 0 ? `() => ${part.expr}` : `() => {\n${part.stmts.join('\n')}\nreturn ${part.expr};\n}`;
  /**
   * `c0 ? t0 : c1 ? t1 : ... : e`, each condition evaluated only when the ones before are false and only the chosen
   * branch evaluated: a conditional expression when no part has statements, else if-statements into a temporary.
   */
  const choose = (
    arms: readonly { cond: { stmts: string[]; expr: string }; then: { stmts: string[]; expr: string } }[],
    otherwise: { stmts: string[]; expr: string },
  ): string => {
    const parts = [...arms.flatMap((arm) => [arm.cond, arm.then]), otherwise];
    if (parts.every((p) => p.stmts.length === 0))
      return `(${arms.map((arm) => `${arm.cond.expr} ? ${arm.then.expr} : `).join('')}${otherwise.expr})`;
    const r = fresh('c');
    emit(`let ${r};`);
    const chain = (i: number): string => {
      if (i === arms.length) return assign(r, otherwise);
      const arm = arms[i]!;
      return [...arm.cond.stmts, `if (${arm.cond.expr}) {`, assign(r, arm.then), '} else {', chain(i + 1), '}'].join(
        '\n',
      );
    };
    emit(chain(0));
    return r;
  };
  const fail = (node: Node, what: string): string => {
    const msg = `${name} define "${current}" ${node?.locator ?? '?'}: ${what}`;
    if (!options.lenient) throw new CompileError(`ELM compiler: ${msg}`);
    unsupported.push(msg);
    return `R.unsupported(${js(msg)})`;
  };
  const libVar = (alias: string): string => `L_${alias.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const modVar = (alias: string): string => `M_${includes.get(alias) ?? alias}`;

  const args = (node: Node, s: Scope): string[] => {
    const op = node.operand;
    if (op == null) return [];
    return (Array.isArray(op) ? op : [op]).map((o: Node) => ex(o, s));
  };
  const one = (node: Node, s: Scope): string => {
    const a = args(node, s);
    return a.length === 1 ? a[0]! : `[${a.join(', ')}]`;
  };
  const precision = (node: Node): string =>
    node.precision != null ? js(String(node.precision).toLowerCase()) : 'undefined';
  const child = (s: Scope, add: Record<string, string> = {}, specs: Record<string, Node> = {}): Scope => {
    const t = new Map(s.specs ?? []);
    // A name bound again loses the type of the outer binding.
    for (const name of Object.keys(add)) t.delete(name);
    for (const [name, spec] of Object.entries(specs)) if (spec != null) t.set(name, spec);
    return { vars: new Map([...s.vars, ...Object.entries(add)]), specs: t, atRoot: false };
  };
  // `(X.field as FHIR.T).value` plans (R.castValue), emitted once at module level.
  const castPlans = new Map<string, string>();
  const castPlan = (type: string, field: string, as: string): string => {
    const key = js([type, field, as]);
    let v = castPlans.get(key);
    if (v === undefined) {
      v = `C${castPlans.size}`;
      castPlans.set(key, v);
    }
    return v;
  };
  // `X.field` plans of a FHIR class's field (R.fhirProp), emitted once at module level.
  const readPlans = new Map<string, string>();
  const readPlan = (type: string, field: string): string => {
    const key = js([type, field]);
    let v = readPlans.get(key);
    if (v === undefined) {
      v = `Q${readPlans.size}`;
      readPlans.set(key, v);
    }
    return v;
  };
  /**
   * `X.field` of a tuple X: cql-execution's Property reads `X[field]` (null when absent; a tuple's fields hold CQL
   * values, never functions). Names Object.prototype has are left to R.prop (X[field] would find the inherited one).
   */
  const tupleField = (src: string, field: string): string | undefined => {
    if (field.includes('.') || field in Object.prototype) return undefined;
    let v = src;
    if (!/^[A-Za-z_$][\w$]*$/.test(v)) {
      v = fresh('t');
      emit(`const ${v} = ${src};`);
    }
    const access = /^[A-Za-z_$][\w$]*$/.test(field) ? `${v}.${field}` : `${v}[${js(field)}]`;
    return `(${v} == null ? null : (${access} ?? null))`;
  };
  // `X.field.value` plans (R.primitiveValue), emitted once at module level.
  const plans = new Map<string, string>();
  const plan = (type: string, field: string): string => {
    const key = js([type, field]);
    let v = plans.get(key);
    if (v === undefined) {
      v = `P${plans.size}`;
      plans.set(key, v);
    }
    return v;
  };
  /**
   * The type of a node's value as the ELM gives it (its result type, or that of the alias, let or operand it reads, or
   * the element type of the tuple it reads a field of), or, for a field of a FHIR class, the model info's type of the
   * field (`options.fhirFieldType`: only a guess for R.fhirProp, which checks the class at run time).
   */
  function staticType(node: Node, s: Scope): Node {
    if (node == null) return undefined;
    if (node.resultTypeSpecifier != null) return node.resultTypeSpecifier;
    if (typeof node.resultTypeName === 'string') return { type: 'NamedTypeSpecifier', name: node.resultTypeName };
    switch (node.type) {
      case 'OperandRef':
      case 'AliasRef':
      case 'QueryLetRef':
        return s.specs?.get(node.name);
      case 'Property': {
        const src = sourceType(node, s);
        const path = String(node.path);
        if (src?.type === 'TupleTypeSpecifier') return src.element?.find((e: Node) => e.name === path)?.elementType;
        if (src?.type === 'NamedTypeSpecifier' && String(src.name).startsWith(FHIR) && !path.includes('.'))
          return options.fhirFieldType?.(src.name, path);
        return undefined;
      }
      case 'As':
        // `null as Tuple {...}` is the only tuple cast the libraries make; a cast's FHIR class is the R.fhirProp guess.
        return node.asTypeSpecifier?.type === 'NamedTypeSpecifier'
          ? node.asTypeSpecifier
          : node.asType != null
            ? { type: 'NamedTypeSpecifier', name: node.asType }
            : undefined;
      default:
        return undefined;
    }
  }
  /** The type of a Property's source (its alias's row, or its source expression). */
  const sourceType = (node: Node, s: Scope): Node =>
    node.scope != null && node.source == null ? s.specs?.get(node.scope) : staticType(node.source, s);
  /** The FHIR class of a Property's source, when the ELM (or the model info, for a field of one) types it as one. */
  const fhirType = (node: Node, s: Scope): string | undefined => {
    const spec = sourceType(node, s);
    const name: unknown = spec?.type === 'NamedTypeSpecifier' ? spec.name : undefined;
    return typeof name === 'string' && name.startsWith(FHIR) ? name : undefined;
  };

  function ex(node: Node, s: Scope): string {
    if (node == null) return 'undefined';
    const a = (): string[] => args(node, s);
    switch (node.type as string) {
      case 'Null':
        return 'null';
      case 'Literal':
        return literal(node);
      case 'List':
        return `[${(node.element ?? []).map((e: Node) => ex(e, s)).join(', ')}]`;
      case 'Tuple':
        return `({ ${(node.element ?? []).map((e: Node) => `${js(e.name)}: ${e.value != null ? ex(e.value, s) : 'undefined'}`).join(', ')} })`;
      case 'Instance':
        return `R.instance(${js(node.classType)}, { ${(node.element ?? []).map((e: Node) => `${js(e.name)}: ${e.value != null ? ex(e.value, s) : 'undefined'}`).join(', ')} })`;
      case 'Quantity':
        return `new R.Quantity(${js(parseFloat(node.value))}, ${js(node.unit)})`;
      case 'Property': {
        // `X.field.value` of a FHIR class the ELM names: one read without the primitive's wrapper (planned here,
        // resolved against the model info on first use; any other value at run time takes the two reads).
        const inner = node.source;
        // `(X.choice as FHIR.T).value`, X of a FHIR class: read from the choice's JSON (R.castValue; any other value
        // at run time takes the reads and the cast).
        if (
          node.path === 'value' &&
          node.scope == null &&
          inner?.type === 'As' &&
          inner.strict !== true &&
          inner.operand?.type === 'Property' &&
          typeof inner.operand.path === 'string' &&
          !inner.operand.path.includes('.')
        ) {
          const asName: unknown =
            inner.asTypeSpecifier != null
              ? inner.asTypeSpecifier.type === 'NamedTypeSpecifier'
                ? inner.asTypeSpecifier.name
                : undefined
              : inner.asType;
          const type = fhirType(inner.operand, s);
          if (typeof asName === 'string' && asName.startsWith(FHIR) && type !== undefined) {
            const choice = inner.operand;
            const src = choice.scope != null ? s.vars.get(choice.scope) : ex(choice.source, s);
            if (src !== undefined) return `R.castValue(${src}, ${castPlan(type, choice.path, asName)})`;
          }
        }
        if (
          node.path === 'value' &&
          node.scope == null &&
          inner?.type === 'Property' &&
          typeof inner.path === 'string' &&
          !inner.path.includes('.') &&
          String(node.resultTypeName ?? '').startsWith(SYSTEM)
        ) {
          const type = fhirType(inner, s);
          if (type !== undefined) {
            const src = inner.scope != null ? s.vars.get(inner.scope) : ex(inner.source, s);
            if (src !== undefined) return `R.primitiveValue(${src}, ${plan(type, inner.path)})`;
          }
        }
        const path = String(node.path);
        let src: string;
        if (node.scope != null) {
          const v = s.vars.get(node.scope);
          if (v === undefined) return fail(node, `scope ${node.scope} not in scope`);
          src = v;
        } else src = ex(node.source, s);
        // A tuple as the CQL types it (the model info never makes one): its field is a plain property.
        if (sourceType(node, s)?.type === 'TupleTypeSpecifier') {
          const read = tupleField(src, path);
          if (read !== undefined) return read;
        }
        // A field of a FHIR class the ELM names: read with the class's plan (any other value at run time: R.prop).
        const type = fhirType(node, s);
        if (type !== undefined && !path.includes('.')) return `R.fhirProp(${src}, ${readPlan(type, path)})`;
        return `R.prop(${src}, ${js(path)})`;
      }
      case 'ExpressionRef': {
        if (node.libraryName) {
          const target = included(node.libraryName);
          if (target !== undefined) {
            const i = target.defines.findIndex((d: Node) => d.name === node.name);
            if (i < 0) return fail(node, `unknown define ${node.libraryName}.${node.name}`);
            return `${modVar(node.libraryName)}.d${i}(st.${libVar(node.libraryName)})`;
          }
          return `${modVar(node.libraryName)}.d[${js(node.name)}](st.${libVar(node.libraryName)})`;
        }
        const v = defineVar.get(node.name);
        return v === undefined ? fail(node, `unknown define ${node.name}`) : `${v}(st)`;
      }
      case 'FunctionRef':
        return functionRef(node, s);
      case 'OperandRef':
      case 'AliasRef':
      case 'QueryLetRef': {
        const v = s.vars.get(node.name);
        return v === undefined ? fail(node, `${node.type} ${node.name} not in scope`) : v;
      }
      case 'ParameterRef': {
        if (node.libraryName)
          return `${modVar(node.libraryName)}.p(st.${libVar(node.libraryName)}, ${js(node.name)}, ${s.atRoot})`;
        return `p(st, ${js(node.name)}, ${s.atRoot})`;
      }
      case 'ValueSetRef': {
        if (node.libraryName) return `${modVar(node.libraryName)}.vs[${js(node.name)}]()`;
        return valueSets.has(node.name) ? `vs[${js(node.name)}]()` : fail(node, `unknown value set ${node.name}`);
      }
      case 'Retrieve': {
        // cql-exec-fhir finds records by the retrieve's dataType; templateId only matters with requireProfileTagging (off).
        if (node.dateRange != null) return fail(node, 'Retrieve with dateRange');
        if (node.codes != null)
          return `R.retrieve(st.env, ${js(node.dataType)}, ${thunk(sub(() => ex(node.codes, s)))}, ${js(node.codeProperty)})`;
        return `R.retrieve(st.env, ${js(node.dataType)})`;
      }
      case 'Query':
        return query(node, s);
      case 'If': {
        const cond = ex(node.condition, s);
        return choose(
          [{ cond: { stmts: [], expr: cond }, then: sub(() => ex(node.then, s)) }],
          sub(() => ex(node.else, s)),
        );
      }
      case 'Case': {
        const items: Node[] = node.caseItem ?? [];
        if (node.comparand != null) {
          const c = fresh('k');
          emit(`const ${c} = ${ex(node.comparand, s)};`);
          return choose(
            items.map((ci) => ({
              cond: sub(() => `R.equals(${ex(ci.when, s)}, ${c})`),
              then: sub(() => ex(ci.then, s)),
            })),
            sub(() => ex(node.else, s)),
          );
        }
        return choose(
          items.map((ci) => ({ cond: sub(() => ex(ci.when, s)), then: sub(() => ex(ci.then, s)) })),
          sub(() => ex(node.else, s)),
        );
      }
      case 'Coalesce': {
        const ops: Node[] = node.operand ?? [];
        if (ops.length === 1) return `R.coalesceList(${ex(ops[0], s)})`;
        // The first non-null operand; the ones after it are not evaluated.
        const r = fresh('r');
        emit(`let ${r} = ${ex(ops[0], s)};`);
        // Runs while every operand so far is null (or undefined, which becomes null).
        const rest = (i: number): string => {
          if (i === ops.length) return `${r} = null;`;
          const part = sub(() => ex(ops[i], s));
          return [assign(r, part), `if (${r} == null) {`, rest(i + 1), '}'].join('\n');
        };
        emit([`if (${r} == null) {`, rest(1), '}'].join('\n'));
        return r;
      }
      case 'And':
        return `R.and(${a().join(', ')})`;
      case 'Or':
        return `R.or(${a().join(', ')})`;
      case 'Xor':
        return `R.xor(${a().join(', ')})`;
      case 'Implies':
        return `R.implies(${a().join(', ')})`;
      case 'Not':
        return `R.not(${one(node, s)})`;
      case 'IsNull':
        return `(${one(node, s)} == null)`;
      case 'IsTrue':
        return `(true === ${one(node, s)})`;
      case 'IsFalse':
        return `(false === ${one(node, s)})`;
      case 'Equal':
        return `R.equal(${a().join(', ')})`;
      case 'NotEqual':
        return `R.notEqual(${a().join(', ')})`;
      case 'Equivalent':
        return `R.equivalent(${a().join(', ')}, st.env.codeService)`;
      case 'Less':
        return `R.less(${a().join(', ')})`;
      case 'Greater':
        return `R.greater(${a().join(', ')})`;
      case 'LessOrEqual':
        return `R.lessOrEqual(${a().join(', ')})`;
      case 'GreaterOrEqual':
        return `R.greaterOrEqual(${a().join(', ')})`;
      case 'In':
        return `R.inList(${a().join(', ')}, ${precision(node)})`;
      case 'Contains':
        return `R.contains(${a().join(', ')}, ${precision(node)})`;
      case 'Includes':
        return `R.includes(${a().join(', ')}, ${precision(node)})`;
      case 'IncludedIn': {
        const [x, y] = a();
        return `R.includes(${y}, ${x}, ${precision(node)})`;
      }
      case 'Exists': {
        const op = node.operand;
        return `R.exists(${op?.type === 'Query' ? query(op, s, 'exists') : one(node, s)})`;
      }
      case 'Union': {
        const listTyped = (node.operand ?? []).some(
          (o: Node) => o.asTypeSpecifier != null && o.asTypeSpecifier.type === 'ListTypeSpecifier',
        );
        return `R.union(${a().join(', ')}, ${listTyped})`;
      }
      case 'Distinct':
        return `R.distinct(${one(node, s)})`;
      case 'Flatten':
        return `R.flatten(${one(node, s)})`;
      case 'SingletonFrom':
        return `R.singletonFrom(${one(node, s)})`;
      case 'ToList':
        return `R.toList(${one(node, s)})`;
      case 'First':
        return `R.first(${node.source?.type === 'Query' ? query(node.source, s, 'first') : ex(node.source, s)})`;
      case 'Last':
        return `R.last(${ex(node.source, s)})`;
      case 'IndexOf':
        return `R.indexOf(${ex(node.source, s)}, ${ex(node.element, s)})`;
      case 'Indexer':
        return `R.indexer(${a().join(', ')})`;
      case 'Slice':
        return `R.slice(${ex(node.source, s)}, ${thunk(sub(() => ex(node.startIndex, s)))}, ${thunk(sub(() => ex(node.endIndex, s)))})`;
      case 'Length':
        return `R.length(${one(node, s)})`;
      case 'Count':
        return `R.count(${ex(node.source, s)})`;
      case 'Sum':
        return `R.sum(${ex(node.source, s)})`;
      case 'Min':
        return `R.min(${ex(node.source, s)})`;
      case 'Max':
        return `R.max(${ex(node.source, s)})`;
      case 'AllTrue':
        return `R.allTrue(${ex(node.source, s)})`;
      case 'AnyTrue':
        return `R.anyTrue(${ex(node.source, s)})`;
      case 'Concatenate':
        return `R.concatenate(${a().join(', ')})`;
      case 'Combine':
        return `R.combine(${ex(node.source, s)}, ${node.separator != null ? ex(node.separator, s) : "''"})`;
      case 'Split':
        return `R.split(${ex(node.stringToSplit, s)}, ${ex(node.separator, s)})`;
      case 'Lower':
        return `R.lowerCase(${one(node, s)})`;
      case 'Upper':
        return `R.upperCase(${one(node, s)})`;
      case 'PositionOf':
        return `R.positionOf(${ex(node.pattern, s)}, ${ex(node.string, s)})`;
      case 'LastPositionOf':
        return `R.lastPositionOf(${ex(node.pattern, s)}, ${ex(node.string, s)})`;
      case 'Matches':
        return `R.matches(${a().join(', ')})`;
      case 'ReplaceMatches':
        return `R.replaceMatches(${a().join(', ')})`;
      case 'Substring':
        return `R.substring(${ex(node.stringToSub, s)}, ${ex(node.startIndex, s)}, ${node.length != null ? ex(node.length, s) : 'null'})`;
      case 'StartsWith':
        return `R.startsWith(${a().join(', ')})`;
      case 'EndsWith':
        return `R.endsWith(${a().join(', ')})`;
      case 'Add':
        return `R.add(${a().join(', ')})`;
      case 'Subtract':
        return `R.subtract(${a().join(', ')})`;
      case 'Multiply':
        return `R.multiply(${a().join(', ')})`;
      case 'Divide':
        return `R.divide(${a().join(', ')})`;
      case 'TruncatedDivide':
        return `R.truncatedDivide(${a().join(', ')})`;
      case 'Power':
        return `R.power(${a().join(', ')})`;
      case 'Abs':
        return `R.abs(${one(node, s)})`;
      case 'Negate':
        return `R.negate(${one(node, s)})`;
      case 'ToString':
        return `R.toStringOp(${one(node, s)})`;
      case 'ToInteger':
        return `R.toInteger(${one(node, s)})`;
      case 'ToDecimal':
        return `R.toDecimal(${one(node, s)})`;
      case 'ToDateTime':
        return `R.toDateTime(${one(node, s)}, st.env.now)`;
      case 'ToDate':
        return `R.toDate(${one(node, s)})`;
      case 'ToConcept':
        return `R.toConcept(${one(node, s)})`;
      case 'As': {
        const spec = node.asTypeSpecifier ?? { name: node.asType, type: 'NamedTypeSpecifier' };
        return `R.as(${one(node, s)}, ${constant(stripSpec(spec))}, ${node.strict === true})`;
      }
      case 'Is': {
        const spec = node.isTypeSpecifier ?? { name: node.isType, type: 'NamedTypeSpecifier' };
        return `R.is(${one(node, s)}, ${constant(stripSpec(spec))})`;
      }
      case 'DateTime': {
        const parts = ['year', 'month', 'day', 'hour', 'minute', 'second', 'millisecond', 'timezoneOffset'].map((p) => {
          if (node[p] != null) return ex(node[p], s);
          return p === 'timezoneOffset' ? 'st.env.now.timezoneOffset' : 'undefined';
        });
        return `new R.DateTime(${parts.join(', ')})`;
      }
      case 'Date':
        return `new R.CqlDate(${['year', 'month', 'day'].map((p) => (node[p] != null ? ex(node[p], s) : 'undefined')).join(', ')})`;
      case 'DateFrom':
        return `R.dateFrom(${one(node, s)})`;
      case 'DateTimeComponentFrom':
        return `R.component(${one(node, s)}, ${js(String(node.precision).toLowerCase())})`;
      case 'TimezoneOffsetFrom':
        return `R.timezoneOffsetFrom(${one(node, s)})`;
      case 'Today':
        return 'st.env.now.getDate()';
      case 'Now':
        return 'st.env.now';
      case 'DurationBetween':
        return `R.durationBetween(${a().join(', ')}, ${precision(node)})`;
      case 'DifferenceBetween':
        return `R.differenceBetween(${a().join(', ')}, ${precision(node)})`;
      case 'SameAs':
        return `R.sameAs(${a().join(', ')}, ${precision(node)})`;
      case 'SameOrBefore':
        return `R.sameOrBefore(${a().join(', ')}, ${precision(node)})`;
      case 'SameOrAfter':
        return `R.sameOrAfter(${a().join(', ')}, ${precision(node)})`;
      case 'Interval': {
        const lc =
          node.lowClosed != null
            ? js(node.lowClosed)
            : node.lowClosedExpression != null
              ? ex(node.lowClosedExpression, s)
              : 'undefined';
        const hc =
          node.highClosed != null
            ? js(node.highClosed)
            : node.highClosedExpression != null
              ? ex(node.highClosedExpression, s)
              : 'undefined';
        const point =
          node.low?.asTypeSpecifier?.type === 'NamedTypeSpecifier'
            ? node.low.asTypeSpecifier.name
            : node.high?.asTypeSpecifier?.type === 'NamedTypeSpecifier'
              ? node.high.asTypeSpecifier.name
              : undefined;
        const l = fresh('l');
        const h = fresh('h');
        emit(`const ${l} = ${ex(node.low, s)};`);
        emit(`const ${h} = ${ex(node.high, s)};`);
        return `R.interval(${l}, ${h}, ${lc}, ${hc}, ${l} == null && ${h} == null ? ${js(point)} : undefined)`;
      }
      default:
        return fail(node, `unsupported node ${node.type}`);
    }
  }

  function literal(node: Node): string {
    switch (node.valueType) {
      case `${SYSTEM}Boolean`:
        return node.value === 'true' ? 'true' : 'false';
      case `${SYSTEM}Integer`:
        return js(parseInt(node.value, 10));
      case `${SYSTEM}Decimal`:
        return js(parseFloat(node.value));
      case `${SYSTEM}String`:
        return js(String(node.value).replace(/\\'/g, "'").replace(/\\"/g, '"'));
      default:
        return js(node.value);
    }
  }

  function functionRef(node: Node, s: Scope): string {
    const argList = (node.operand ?? []).map((o: Node) => ex(o, s));
    const lib = node.libraryName as string | undefined;
    const target = lib !== undefined ? included(lib) : { functions, module: '', state: 'st' };
    if (lib !== undefined && target === undefined)
      return `${modVar(lib)}.f[${js(node.name)}](st.${libVar(lib)}, ${argList.join(', ')})`;
    const prefix = lib !== undefined ? `${modVar(lib)}.` : '';
    const state = lib !== undefined ? `st.${libVar(lib)}` : 'st';
    const table = lib !== undefined ? `${modVar(lib)}.f` : 'F';
    const defs = target!.functions.filter((f: Node) => f.name === node.name);
    if (defs.length === 0) return fail(node, `unknown function ${lib !== undefined ? `${lib}.` : ''}${node.name}`);
    const call = (f: Node, args: readonly string[]): string =>
      `${prefix}f${target!.functions.indexOf(f)}(${[state, ...args].join(', ')})`;
    // cql-execution keeps the definitions of the call's arity; one left is called without looking at types.
    const sameArity = defs.filter((f: Node) => (f.operand ?? []).length === argList.length);
    if (sameArity.length === 1) return call(sameArity[0], argList);
    const chosen =
      sameArity.length > 1 && argList.length === 1 && options.fhirHierarchy !== undefined
        ? staticOverload(node.operand[0]?.resultTypeName, sameArity, options.fhirHierarchy)
        : undefined;
    if (chosen !== undefined) {
      // Null (or undefined) matches every type: the last definition; a value of the class, the one found at build time.
      const a = fresh('x');
      emit(`const ${a} = ${argList[0]};`);
      return `(${a} == null ? ${call(sameArity[sameArity.length - 1], [a])} : ${call(chosen, [a])})`;
    }
    return `${table}[${js(node.name)}](${[state, ...argList].join(', ')})`;
  }

  /** An included library's defines and functions (ELM order, as its module numbers them); undefined when not given. */
  function included(alias: string): { defines: Node[]; functions: Node[] } | undefined {
    const path = includes.get(alias);
    const other = path !== undefined ? options.libraries?.[path] : undefined;
    if (other === undefined) return undefined;
    const stmts: Node[] = other.library.statements?.def ?? [];
    return {
      defines: stmts.filter((d) => d.type !== 'FunctionDef'),
      functions: stmts.filter((d) => d.type === 'FunctionDef'),
    };
  }

  /**
   * True when the compiled code of `node` cannot throw, whatever the row: variables, literals, parameters (whose
   * default, if any, is a literal), a tuple's field, three-valued logic, `if`, and comparison or arithmetic of
   * operands the ELM types as System Integer, Decimal, String or Boolean (the runtime's operators answer null, never
   * throw, for those, their uncertainties included), or equality of two lists of strings. Anything else may throw
   * (a function, a define, a FHIR read, a conversion), so a query around it keeps reading every row.
   */
  function cannotFail(node: Node, s: Scope): boolean {
    if (node == null) return true;
    const ops = (): Node[] => (node.operand == null ? [] : Array.isArray(node.operand) ? node.operand : [node.operand]);
    const simple = (spec: Node): boolean =>
      spec?.type === 'NamedTypeSpecifier' &&
      [`${SYSTEM}Integer`, `${SYSTEM}Decimal`, `${SYSTEM}String`, `${SYSTEM}Boolean`].includes(spec.name);
    const stringList = (spec: Node): boolean =>
      spec?.type === 'ListTypeSpecifier' &&
      spec.elementType?.type === 'NamedTypeSpecifier' &&
      spec.elementType.name === `${SYSTEM}String`;
    switch (node.type as string) {
      case 'Literal':
      case 'Null':
        return true;
      case 'AliasRef':
      case 'QueryLetRef':
      case 'OperandRef':
        return s.vars.has(node.name);
      case 'ParameterRef': {
        if (node.libraryName) return false;
        const def = parameters.get(node.name)?.default;
        return def == null || def.type === 'Literal' || def.type === 'Null';
      }
      case 'Property': {
        const path = String(node.path);
        if (path.includes('.') || path in Object.prototype) return false;
        if (sourceType(node, s)?.type !== 'TupleTypeSpecifier') return false;
        return node.scope != null ? node.source == null && s.vars.has(node.scope) : cannotFail(node.source, s);
      }
      case 'And':
      case 'Or':
      case 'Not':
      case 'IsNull':
      case 'IsTrue':
      case 'IsFalse':
        return ops().every((o) => cannotFail(o, s));
      case 'If':
        return cannotFail(node.condition, s) && cannotFail(node.then, s) && cannotFail(node.else, s);
      case 'Equal':
      case 'NotEqual': {
        const sig: Node[] = node.signature ?? [];
        return (
          sig.length === 2 &&
          (sig.every(simple) || sig.every(stringList)) &&
          ops().length === 2 &&
          ops().every((o) => cannotFail(o, s))
        );
      }
      case 'Less':
      case 'Greater':
      case 'LessOrEqual':
      case 'GreaterOrEqual':
      case 'Add':
      case 'Subtract': {
        const sig: Node[] = node.signature ?? [];
        return sig.length === 2 && sig.every(simple) && ops().length === 2 && ops().every((o) => cannotFail(o, s));
      }
      default:
        return false;
    }
  }

  /**
   * A query as statements: its sources evaluated in the enclosing block, a loop per source (an index loop over the list,
   * or over the one scalar), the let, where and return of a row in the innermost loop, then cql-execution's distinct
   * and sort. `orderFree`: the consumer reads only whether some element is not null or the first element, which the
   * de-duplication does not change (it keeps the first of equal elements, in order), so an unsorted result skips it.
   * An unsorted one-source query whose let, where and return cannot fail (`cannotFail`) also stops at the first row
   * that decides the answer (`exists`: the first non-null element; `First`: the first element): the rows after it
   * change neither the answer nor, as they cannot fail, whether the evaluation fails.
   */
  function query(node: Node, s: Scope, consumer?: 'exists' | 'first'): string {
    const orderFree = consumer !== undefined;
    let early = orderFree && node.sort == null && node.source.length === 1;
    const sources: Node[] = node.source;
    if ((node.relationship ?? []).length > 0) return fail(node, 'query with/without');
    if (node.aggregate != null) return fail(node, 'query aggregate clause');
    const srcVars = sources.map(() => fresh('s'));
    const aliasVars = sources.map((src: Node) => fresh(`a_${String(src.alias).replace(/[^A-Za-z0-9_]/g, '')}_`));
    const rowScope: Record<string, string> = {};
    const rowSpecs: Record<string, Node> = {};
    sources.forEach((src: Node, i: number) => {
      rowScope[src.alias] = aliasVars[i]!;
      // A row of a list source is of its element type; of a single value, of that value's type.
      const spec = staticType(src.expression, s) ?? src.resultTypeSpecifier;
      rowSpecs[src.alias] = spec?.type === 'ListTypeSpecifier' ? spec.elementType : spec;
    });
    let scope = child(s, rowScope, rowSpecs);
    sources.forEach((src: Node, i: number) => emit(`const ${srcVars[i]} = ${ex(src.expression, s)};`));
    const result = fresh('q');
    const isList = fresh('isList');
    const out = fresh('out');
    const lines: string[] = [];
    lines.push(`let ${result} = null;`);
    lines.push(`if (!(${srcVars.map((v) => `${v} == null`).join(' && ')})) {`);
    lines.push(`const ${isList} = ${srcVars.map((v) => `Array.isArray(${v})`).join(' || ')};`);
    lines.push(`let ${out} = [];`);
    const open: string[] = [];
    sources.forEach((_src: Node, i: number) => {
      const v = srcVars[i]!;
      const arr = fresh('r');
      const idx = fresh('i');
      // The loops' lists are made before the loops (as the sources are evaluated before the rows).
      lines.push(
        `const ${arr} = ${sources.length === 1 ? '' : `${v} == null ? [] : `}Array.isArray(${v}) ? ${v} : [${v}];`,
      );
      open.push(`for (let ${idx} = 0; ${idx} < ${arr}.length; ${idx}++) {`, `const ${aliasVars[i]} = ${arr}[${idx}];`);
    });
    const body = sub(() => {
      for (const l of node.let ?? []) {
        const lv = fresh(`l_${String(l.identifier).replace(/[^A-Za-z0-9_]/g, '')}_`);
        early &&= cannotFail(l.expression, scope);
        emit(`const ${lv} = ${ex(l.expression, scope)};`);
        scope = child(scope, { [l.identifier]: lv }, { [l.identifier]: staticType(l.expression, scope) });
      }
      if (node.where != null) {
        early &&= cannotFail(node.where, scope);
        emit(`if (!(${ex(node.where, scope)})) continue;`);
      }
      if (node.return != null) early &&= cannotFail(node.return.expression, scope);
      const row = node.return != null ? ex(node.return.expression, scope) : sources.length === 1 ? aliasVars[0]! : '';
      if (early && consumer === 'exists') {
        const v = fresh('e');
        emit(`const ${v} = ${row};`, `${out}.push(${v});`, `if (${v} != null) break;`);
      } else if (early) emit(`${out}.push(${row});`, 'break;');
      else if (node.return != null || sources.length === 1) emit(`${out}.push(${row});`);
      else {
        const entries = [
          ...sources.map((src: Node, i: number) => `${js(src.alias)}: ${aliasVars[i]}`),
          ...(node.let ?? []).map((l: Node) => `${js(l.identifier)}: ${scope.vars.get(l.identifier)}`),
        ];
        emit(`${out}.push({ ${entries.join(', ')} });`);
      }
      return '';
    });
    lines.push(...open, ...body.stmts, ...sources.map(() => '}'));
    const distinct = node.return != null ? node.return.distinct !== false : true;
    if (distinct && !(orderFree && node.sort == null)) lines.push(`${out} = R.distinctList(${out});`);
    const by: Node[] = node.sort?.by ?? [];
    if (by.length > 0 && by.every((b) => b.type === 'ByColumn')) {
      // Columns only: each row's columns read once (R.sortByColumns: the same merge sort and comparisons).
      const paths = by.map((b) => String(b.path));
      const asc = by.map((b) => b.direction === 'asc' || b.direction === 'ascending');
      lines.push(`${out} = R.sortByColumns(${out}, ${js(paths)}, ${js(asc)});`);
    } else if (node.sort != null) {
      const cmp: string[] = [];
      for (const b of by) {
        const asc = b.direction === 'asc' || b.direction === 'ascending';
        if (b.type === 'ByColumn')
          cmp.push(`R.compareKeys(R.column(x, ${js(b.path)}), R.column(y, ${js(b.path)}), ${asc})`);
        else if (b.type === 'ByDirection') cmp.push(`R.compareRows(x, y, ${asc})`);
        else return fail(b, `sort ${b.type}`);
      }
      lines.push(
        `${out} = R.mergeSort(${out}, (x, y) => { let o = 0; ${cmp.map((c) => `o = ${c}; if (o !== 0) return o;`).join(' ')} return o; });`,
      );
    }
    lines.push(`${result} = ${isList} ? ${out} : ${out}[0];`, '}');
    emit(lines.join('\n'));
    return result;
  }

  const stripSpec = (spec: Node): Node => {
    if (spec == null || typeof spec !== 'object') return spec;
    if (Array.isArray(spec)) return spec.map(stripSpec);
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(spec))
      if (
        k !== 'annotation' &&
        k !== 'locator' &&
        k !== 'localId' &&
        k !== 'resultTypeName' &&
        k !== 'resultTypeSpecifier'
      )
        o[k] = stripSpec(v);
    return o;
  };

  // ---------- the module ----------
  // Functions live at module level; one evaluation's state (`st`: its environment, the included libraries' states and
  // the defines' values) is their first argument, so an evaluation allocates no closures.
  const root: Scope = { vars: new Map(), atRoot: true };
  const body: string[] = [];
  const paramDefaults: string[] = [];
  for (const [pname, pdef] of parameters) {
    current = `parameter ${pname}`;
    // A parameter without a default is its ParameterDef (R.UnsetParameter), as any unknown name is: only defaults
    // need a case (the threshold parameters every library declares would otherwise repeat in each module).
    if (pdef.default != null) {
      const part = sub(() => ex(pdef.default, { vars: new Map(), atRoot: true }));
      paramDefaults.push(`    case ${js(pname)}: {\n${[...part.stmts, `return ${part.expr};`].join('\n')}\n}`);
    }
  }
  body.push(
    paramDefaults.length === 0
      ? 'export const p = R.parameterReader();'
      : `export const p = R.parameterReader((st, name) => {\n  switch (name) {\n${paramDefaults.join('\n')}\n    default: return R.NO_DEFAULT;\n  }\n});`,
  );
  body.push(
    `export const vs = {${[...valueSets.values()].map((v) => `\n  ${js(v.name)}: () => R.valueSet(${js(v.id)}, ${js(v.version)}, ${js(v.name)}),`).join('')}\n};`,
  );
  defines.forEach((d, i) => {
    current = d.name;
    const v = defineVar.get(d.name)!;
    const part = sub(() => (d.expression != null ? ex(d.expression, root) : 'undefined'));
    // Memoized in the evaluation's state (a value of undefined is computed again, as a missing one).
    body.push(
      `// define ${js(d.name)}\nexport function ${v}(st) {\n  const x = st.v[${i}];\n  if (x !== undefined) return x;\n${part.stmts.join('\n')}\n  return (st.v[${i}] = ${part.expr});\n}`,
    );
  });
  for (const f of functions) {
    current = `function ${f.name}`;
    const ops: Node[] = f.operand ?? [];
    const vars: Record<string, string> = {};
    ops.forEach((o, i) => {
      vars[o.name] = `o${i}`;
    });
    const specs = new Map<string, Node>();
    for (const o of ops) {
      const spec =
        o.operandTypeSpecifier ??
        (o.operandType != null ? { type: 'NamedTypeSpecifier', name: o.operandType } : undefined);
      if (spec != null) specs.set(o.name, spec);
    }
    const fs: Scope = { vars: new Map(Object.entries(vars)), specs, atRoot: false };
    const part = sub(() => (f.expression != null ? ex(f.expression, fs) : 'undefined'));
    body.push(
      `// function ${js(f.name)}(${ops.map((o) => o.name).join(', ')})\nexport function ${functionVar.get(f)}(st${ops.map((_o, i) => `, o${i}`).join('')}) {\n${part.stmts.join('\n')}\n  return ${part.expr};\n}`,
    );
  }
  // Dispatchers: cql-execution keeps the overloads of the call's arity, then (when more than one) those whose operand
  // types match the non-null arguments, and calls the last one left.
  const dispatch: string[] = [];
  for (const [fname, defs] of overloads) {
    const specs = defs.map((f) => ({
      v: functionVar.get(f)!,
      arity: (f.operand ?? []).length,
      types: (f.operand ?? []).map((o: Node) =>
        stripSpec(o.operandTypeSpecifier ?? { name: o.operandType, type: 'NamedTypeSpecifier' }),
      ),
    }));
    const tv = fresh('T');
    body.push(`const ${tv} = [${specs.map((x) => `[${x.v}, ${x.arity}, ${js(x.types)}]`).join(', ')}];`);
    dispatch.push(`  ${js(fname)}: (st, ...args) => R.dispatch(st, args, ${tv}),`);
  }
  body.push(`export const f = {\n${dispatch.join('\n')}\n};\nconst F = f;`);
  body.push(`export const d = {${defines.map((d) => `\n  ${js(d.name)}: ${defineVar.get(d.name)},`).join('')}\n};`);
  const incs = [...includes.entries()];
  body.push(
    `/** The state of one evaluation of ${name}. */\nexport function instantiate(env) {\n  return {\n    env,\n    v: new Array(${defines.length}),${incs.map(([local, path]) => `\n    ${libVar(local)}: R.libraryInstance(env, ${js(path)}, ${modVar(local)}.instantiate),`).join('')}\n  };\n}`,
  );

  const imports = [...new Set(includes.values())].map((path) => `import * as M_${path} from './${path}.js';`);
  const text = [
    '// @ts-nocheck',
    `// Generated by tools/elm-compiler from cql/${name}.elm.json (npm run build:cql). Do not edit.`,
    "import * as R from '../runtime/index.js';",
    ...imports,
    '',
    ...[...constants].map(([text, v]) => `const ${v} = ${text};`),
    ...[...plans].map(
      ([key, v]) => `const ${v} = R.primitiveValuePlan(${(JSON.parse(key) as string[]).map((x) => js(x)).join(', ')});`,
    ),
    ...[...readPlans].map(
      ([key, v]) => `const ${v} = R.readPlan(${(JSON.parse(key) as string[]).map((x) => js(x)).join(', ')});`,
    ),
    ...[...castPlans].map(
      ([key, v]) => `const ${v} = R.castPlan(${(JSON.parse(key) as string[]).map((x) => js(x)).join(', ')});`,
    ),
    `export const id = ${js(name)};`,
    `export const version = ${js(lib.identifier.version ?? null)};`,
    `/** The defines of ${name}, in ELM order (the results of an evaluation). */`,
    `export const expressionNames = ${js(defines.map((d) => d.name))};`,
    `export const parameterNames = ${js([...parameters.keys()])};`,
    '',
    ...body,
    '',
  ].join('\n');
  return { name, text, unsupported };
}
