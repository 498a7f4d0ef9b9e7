/**
 * The ELM compiler: turns one translated CQL library (cql/<Name>.elm.json) into a TypeScript module of plain,
 * synchronous functions (src/engine/compiled/<Name>.ts) that call src/engine/runtime/. Each ELM node becomes the
 * JavaScript expression that does what cql-execution 3.3.2's `exec` of that node does (read in its source);
 * tools/elm-compiler/README.md lists the choices reproduced. A node it cannot compile stops the
 * build with the library, the define and the node's locator (`CompileError`), unless `lenient` is set, which emits a
 * call that throws the same message when (and only if) that code runs.
 */

/* eslint-disable
   @typescript-eslint/no-explicit-any,
   @typescript-eslint/no-unsafe-argument,
   @typescript-eslint/no-unsafe-assignment,
   @typescript-eslint/no-unsafe-call,
   @typescript-eslint/no-unsafe-member-access,
   @typescript-eslint/no-unsafe-return
   -- ELM is JSON read node by node: `any` is the ELM node type */
type Node = any;

/** A node the compiler cannot compile, with where it is. */
export class CompileError extends Error {}

export interface CompileOptions {
  /** Emit a throwing stub for unsupported nodes instead of failing (the unsupported list is returned). */
  readonly lenient?: boolean;
}

export interface CompiledLibrary {
  readonly name: string;
  readonly text: string;
  /** `library define locator: node type` of every node compiled as a stub (lenient mode only). */
  readonly unsupported: readonly string[];
}

const SYSTEM = '{urn:hl7-org:elm-types:r1}';
const FHIR = '{http://hl7.org/fhir}';

interface Scope {
  readonly vars: ReadonlyMap<string, string>;
  /** The FHIR class (ELM type name) of query aliases whose rows the ELM types as one. */
  readonly types?: ReadonlyMap<string, string>;
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
  const child = (s: Scope, add: Record<string, string> = {}, types: Record<string, string | undefined> = {}): Scope => {
    const t = new Map(s.types ?? []);
    // A name bound again loses the type of the outer binding.
    for (const name of Object.keys(add)) t.delete(name);
    for (const [name, type] of Object.entries(types)) if (type !== undefined) t.set(name, type);
    return { vars: new Map([...s.vars, ...Object.entries(add)]), types: t, atRoot: false };
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
  /** The FHIR class of a node's value, when the ELM types it as one (a resource or element, not a list). */
  const fhirType = (node: Node, s: Scope): string | undefined => {
    const name: unknown =
      node.scope != null && node.source == null ? s.types?.get(node.scope) : node.source?.resultTypeName;
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
        if (node.scope != null) {
          const v = s.vars.get(node.scope);
          if (v === undefined) return fail(node, `scope ${node.scope} not in scope`);
          return `R.prop(${v}, ${js(node.path)})`;
        }
        return `R.prop(${ex(node.source, s)}, ${js(node.path)})`;
      }
      case 'ExpressionRef': {
        if (node.libraryName) return `${modVar(node.libraryName)}.d[${js(node.name)}](st.${libVar(node.libraryName)})`;
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
          return `R.retrieve(st.env, ${js(node.dataType)}, () => ${ex(node.codes, s)}, ${js(node.codeProperty)})`;
        return `R.retrieve(st.env, ${js(node.dataType)})`;
      }
      case 'Query':
        return query(node, s);
      case 'If':
        return `(${ex(node.condition, s)} ? ${ex(node.then, s)} : ${ex(node.else, s)})`;
      case 'Case': {
        const items: Node[] = node.caseItem ?? [];
        if (node.comparand != null) {
          const c = fresh('c');
          return `((${c}) => ${items.map((ci) => `R.equals(${ex(ci.when, s)}, ${c}) ? ${ex(ci.then, s)} : `).join('')}${ex(node.else, s)})(${ex(node.comparand, s)})`;
        }
        return `(${items.map((ci) => `${ex(ci.when, s)} ? ${ex(ci.then, s)} : `).join('')}${ex(node.else, s)})`;
      }
      case 'Coalesce': {
        const ops: Node[] = node.operand ?? [];
        const r = fresh('r');
        if (ops.length === 1)
          return `((${r}) => Array.isArray(${r}) ? (${r}.find((i) => i != null) ?? null) : (${r} != null ? ${r} : null))(${ex(ops[0], s)})`;
        return `(() => { let ${r}; ${ops.map((o) => `${r} = ${ex(o, s)}; if (${r} != null) return ${r};`).join(' ')} return null; })()`;
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
      case 'Exists':
        return `R.exists(${one(node, s)})`;
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
        return `R.first(${ex(node.source, s)})`;
      case 'Last':
        return `R.last(${ex(node.source, s)})`;
      case 'IndexOf':
        return `R.indexOf(${ex(node.source, s)}, ${ex(node.element, s)})`;
      case 'Indexer':
        return `R.indexer(${a().join(', ')})`;
      case 'Slice':
        return `R.slice(${ex(node.source, s)}, () => ${ex(node.startIndex, s)}, () => ${ex(node.endIndex, s)})`;
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
        return `((${l}, ${h}) => R.interval(${l}, ${h}, ${lc}, ${hc}, ${l} == null && ${h} == null ? ${js(point)} : undefined))(${ex(node.low, s)}, ${ex(node.high, s)})`;
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
    if (node.libraryName)
      return `${modVar(node.libraryName)}.f[${js(node.name)}](st.${libVar(node.libraryName)}, ${argList.join(', ')})`;
    const defs = overloads.get(node.name);
    if (defs === undefined) return fail(node, `unknown function ${node.name}`);
    // One definition of this name: cql-execution calls it without looking at types.
    const sameArity = defs.filter((f) => (f.operand ?? []).length === argList.length);
    if (defs.length === 1 && sameArity.length === 1) return `${functionVar.get(defs[0])}(st, ${argList.join(', ')})`;
    return `F[${js(node.name)}](st, ${argList.join(', ')})`;
  }

  function query(node: Node, s: Scope): string {
    const sources: Node[] = node.source;
    if ((node.relationship ?? []).length > 0) return fail(node, 'query with/without');
    if (node.aggregate != null) return fail(node, 'query aggregate clause');
    const srcVars = sources.map(() => fresh('s'));
    const aliasVars = sources.map((src: Node) => fresh(`a_${String(src.alias).replace(/[^A-Za-z0-9_]/g, '')}_`));
    const rowScope: Record<string, string> = {};
    const rowTypes: Record<string, string | undefined> = {};
    sources.forEach((src: Node, i: number) => {
      rowScope[src.alias] = aliasVars[i]!;
      // A row of a list source is of its element type; of a single value, of that value's type.
      const spec = src.expression?.resultTypeSpecifier ?? src.resultTypeSpecifier;
      rowTypes[src.alias] =
        spec?.type === 'ListTypeSpecifier' ? spec.elementType?.name : src.expression?.resultTypeName;
    });
    let scope = child(s, rowScope, rowTypes);
    const lines: string[] = [];
    sources.forEach((src: Node, i: number) => lines.push(`const ${srcVars[i]} = ${ex(src.expression, s)};`));
    lines.push(`if (${srcVars.map((v) => `${v} == null`).join(' && ')}) return null;`);
    lines.push(`const isList = ${srcVars.map((v) => `Array.isArray(${v})`).join(' || ')};`);
    const out = fresh('out');
    lines.push(`let ${out} = [];`);
    const open: string[] = [];
    sources.forEach((_src: Node, i: number) => {
      const v = srcVars[i]!;
      open.push(`for (const ${aliasVars[i]} of (${v} == null ? [] : Array.isArray(${v}) ? ${v} : [${v}])) {`);
    });
    const body: string[] = [];
    for (const l of node.let ?? []) {
      const lv = fresh(`l_${String(l.identifier).replace(/[^A-Za-z0-9_]/g, '')}_`);
      body.push(`const ${lv} = ${ex(l.expression, scope)};`);
      scope = child(scope, { [l.identifier]: lv });
    }
    if (node.where != null) body.push(`if (!(${ex(node.where, scope)})) continue;`);
    if (node.return != null) body.push(`${out}.push(${ex(node.return.expression, scope)});`);
    else if (sources.length === 1) body.push(`${out}.push(${aliasVars[0]});`);
    else {
      const entries = [
        ...sources.map((src: Node, i: number) => `${js(src.alias)}: ${aliasVars[i]}`),
        ...(node.let ?? []).map((l: Node) => `${js(l.identifier)}: ${scope.vars.get(l.identifier)}`),
      ];
      body.push(`${out}.push({ ${entries.join(', ')} });`);
    }
    lines.push(...open, ...body, ...sources.map(() => '}'));
    const distinct = node.return != null ? node.return.distinct !== false : true;
    if (distinct) lines.push(`${out} = R.distinctList(${out});`);
    if (node.sort != null) {
      const by: Node[] = node.sort.by ?? [];
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
    lines.push(`return isList ? ${out} : ${out}[0];`);
    return `(() => { ${lines.join('\n')} })()`;
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
    if (pdef.default != null)
      paramDefaults.push(`    case ${js(pname)}: return ${ex(pdef.default, { vars: new Map(), atRoot: true })};`);
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
    const expr = d.expression != null ? ex(d.expression, root) : 'undefined';
    // Memoized in the evaluation's state (a value of undefined is computed again, as a missing one).
    body.push(
      `// define ${js(d.name)}\nfunction ${v}(st) {\n  const x = st.v[${i}];\n  return x !== undefined ? x : (st.v[${i}] = ${expr});\n}`,
    );
  });
  for (const f of functions) {
    current = `function ${f.name}`;
    const ops: Node[] = f.operand ?? [];
    const vars: Record<string, string> = {};
    ops.forEach((o, i) => {
      vars[o.name] = `o${i}`;
    });
    const fs: Scope = { vars: new Map(Object.entries(vars)), atRoot: false };
    const expr = f.expression != null ? ex(f.expression, fs) : 'undefined';
    body.push(
      `// function ${js(f.name)}(${ops.map((o) => o.name).join(', ')})\nfunction ${functionVar.get(f)}(st${ops.map((_o, i) => `, o${i}`).join('')}) {\n  return ${expr};\n}`,
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
