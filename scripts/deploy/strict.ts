/**
 * Unknown fields. The kubernetes-models schemas accept fields they do not define: a misspelt `readinesProbe` or
 * `automountServiceAcountToken` passes them, and is refused only at apply time by an API server validating strictly, or
 * dropped by a lenient one (`kubectl apply --validate=warn|false`). kubernetes-models also ships each kind as a TypeScript interface; this check writes every object as
 * a literal of its kind's interface and asks the TypeScript checker, literal by literal, which properties the type at
 * that place does not have. Maps (labels, ConfigMap data) have an index signature and take any key.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { where, type Manifest } from './manifests.js';

/** The interface of each kind, by `apiVersion kind` (the same kinds as the schema table in manifests.ts). */
const TYPES: Readonly<Record<string, readonly [module: string, name: string]>> = {
  'apps/v1 Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'v1 Service': ['kubernetes-models/v1/Service', 'IService'],
  'v1 ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1 Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
  'autoscaling/v2 HorizontalPodAutoscaler': [
    'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    'IHorizontalPodAutoscaler',
  ],
  'policy/v1 PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  'networking.k8s.io/v1 NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'INetworkPolicy'],
};

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  skipLibCheck: true,
  types: [],
};

/** Every field of every object that its kind does not define, as `file: Kind/name: unknown field path`. */
export function unknownFieldProblems(manifests: readonly Manifest[]): string[] {
  const typed = manifests.filter((m) => TYPES[`${String(m.object.apiVersion)} ${m.kind}`] !== undefined);
  if (typed.length === 0) return [];
  // A file that exists only in memory, beside this one, so its imports resolve as they do in this repository.
  const file = fileURLToPath(new URL('./.manifests-as-typescript.ts', import.meta.url));
  const lines = typed.map((m, i) => {
    const [module, name] = TYPES[`${String(m.object.apiVersion)} ${m.kind}`] ?? ['', ''];
    return `import type { ${name} as T${i} } from '${module}';\nexport const m${i}: T${i} = ${JSON.stringify(m.object)};`;
  });
  const text = lines.join('\n');
  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, text, language, true) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], OPTIONS, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error('validate-deploy: the TypeScript program lost its own source file');

  const problems: string[] = [];
  typed.forEach((m, i) => {
    const declaration = source.statements.filter(ts.isVariableStatement)[i]?.declarationList.declarations[0];
    const literal = declaration?.initializer;
    if (literal === undefined || !ts.isObjectLiteralExpression(literal)) return;
    const visit = (node: ts.ObjectLiteralExpression, path: string): void => {
      const known = knownProperties(checker, node);
      for (const p of node.properties) {
        if (!ts.isPropertyAssignment(p) || !ts.isStringLiteral(p.name)) continue;
        const key = p.name.text;
        const at = path === '' ? key : `${path}.${key}`;
        if (known !== undefined && !known.has(key)) problems.push(`${where(m)}: unknown field ${at}`);
        else visitValue(p.initializer, at);
      }
    };
    const visitValue = (node: ts.Expression, path: string): void => {
      if (ts.isObjectLiteralExpression(node)) visit(node, path);
      else if (ts.isArrayLiteralExpression(node)) node.elements.forEach((e, j) => visitValue(e, `${path}[${j}]`));
    };
    visit(literal, '');
  });
  return problems;
}

/** The property names the literal's contextual type allows; undefined when it allows any (a map, or no type). */
function knownProperties(checker: ts.TypeChecker, node: ts.ObjectLiteralExpression): Set<string> | undefined {
  const type = checker.getContextualType(node);
  if (type === undefined) return undefined;
  const known = new Set<string>();
  for (const t of type.isUnion() ? type.types : [type]) {
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    if (checker.getIndexInfosOfType(t).length > 0) return undefined;
    for (const p of checker.getPropertiesOfType(t)) known.add(p.getName());
  }
  return known;
}
