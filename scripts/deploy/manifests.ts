/**
 * Reads Kubernetes manifests (every YAML document of every file) and validates each object against the schema of its
 * kind with kubernetes-models (the Kubernetes OpenAPI schemas compiled to validators), offline.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';

export type Json = Record<string, unknown>;

/** One object of a manifest file. */
export interface Manifest {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly object: Json;
}

export const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The kinds a deployment of this service consists of, each with the kubernetes-models class holding its schema. */
const MODELS: Readonly<Record<string, { prototype: { validate(): void } }>> = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 ConfigMap': ConfigMap,
  'v1 Secret': Secret,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
};

/** `file: Kind/name: message`, the form of every problem. */
export const where = (m: Pick<Manifest, 'file' | 'kind' | 'name'>): string => `${m.file}: ${m.kind}/${m.name}`;

/** Parses every document of every file; YAML errors and non-object documents are problems. */
export function readManifests(files: readonly string[]): { manifests: Manifest[]; problems: string[] } {
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    // YAML 1.2 core schema: an unquoted `false` or `3000` in ConfigMap data is a boolean or number, which the schema
    // then refuses (ConfigMap values are strings), as the API server would.
    const docs = parseAllDocuments(text, { prettyErrors: false });
    if (!Array.isArray(docs)) continue;
    docs.forEach((doc, i) => {
      for (const err of doc.errors)
        problems.push(`${relative(process.cwd(), file)}: document ${i + 1}: YAML: ${err.message}`);
      if (doc.errors.length > 0) return;
      const object: unknown = doc.toJS();
      if (object === null || object === undefined) return;
      if (!isRecord(object)) {
        problems.push(`${relative(process.cwd(), file)}: document ${i + 1}: not a Kubernetes object`);
        return;
      }
      const metadata = isRecord(object.metadata) ? object.metadata : {};
      const kind = typeof object.kind === 'string' ? object.kind : '(no kind)';
      const name = typeof metadata.name === 'string' ? metadata.name : '(no name)';
      manifests.push({ file: relative(process.cwd(), file), kind, name, object });
    });
  }
  return { manifests, problems };
}

/** Validates one object against its kind's schema; a kind this service does not deploy is a problem too. */
export function schemaProblems(m: Manifest): string[] {
  const key = `${String(m.object.apiVersion)} ${m.kind}`;
  const model = MODELS[key];
  if (!model) return [`${where(m)}: no schema for ${key} (expected one of: ${Object.keys(MODELS).join(', ')})`];
  const problems: string[] = [];
  if (m.name === '(no name)') problems.push(`${where(m)}: metadata.name is missing`);
  try {
    // The model's own validate(), run on the parsed object as it is (a model instance would first drop undefined
    // values, which YAML never produces).
    model.prototype.validate.call(m.object);
  } catch (err) {
    problems.push(`${where(m)}: schema: ${err instanceof Error ? err.message : String(err)}`);
  }
  return problems;
}
