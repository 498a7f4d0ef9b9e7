/**
 * docker-compose.yml's service replicas: every environment variable they set is one the service reads (the schema
 * itself is checked by `docker-compose config -q` in .ci/run).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { relative } from 'node:path';
import { isRecord } from './manifests.js';

/** Services that run the CDS service itself: built from this repository's image, with the image's own command. */
const isReplica = (svc: Record<string, unknown>): boolean =>
  typeof svc.image === 'string' && svc.image.startsWith('sts-pathway-cds:') && svc.command === undefined;

export function composeProblems(file: string, knownEnv: ReadonlySet<string>): string[] {
  const doc: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
  const services = isRecord(doc) && isRecord(doc.services) ? doc.services : {};
  const problems: string[] = [];
  let replicas = 0;
  for (const [name, svc] of Object.entries(services)) {
    if (!isRecord(svc) || !isReplica(svc)) continue;
    replicas += 1;
    const env = svc.environment;
    const names = Array.isArray(env)
      ? env.map((e) => String(e).split('=')[0] ?? '')
      : Object.keys(isRecord(env) ? env : {});
    for (const n of names)
      if (!knownEnv.has(n))
        problems.push(`${relative(process.cwd(), file)}: service ${name}: ${n} is not a variable the service reads`);
  }
  if (replicas < 2)
    problems.push(
      `${relative(process.cwd(), file)}: ${replicas} service replica(s); the topology has two behind the load balancer`,
    );
  return problems;
}
