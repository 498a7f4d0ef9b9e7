/**
 * `npm run validate:deploy`: validates the deployment files offline. Every Kubernetes object of deploy/kubernetes/ and
 * the Secret template against its kind's schema (kubernetes-models), with no field its kind does not define
 * (scripts/deploy/strict.ts), the project's rules on top (scripts/deploy/rules.ts), and the environment names
 * docker-compose.yml gives the service. Prints every problem; exit code 1 if any.
 *   npm run validate:deploy [-- <manifest files...>]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifests, schemaProblems } from './deploy/manifests.js';
import { ruleProblems } from './deploy/rules.js';
import { serviceEnvNames } from './deploy/config-env.js';
import { composeProblems } from './deploy/compose.js';
import { unknownFieldProblems } from './deploy/strict.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The manifests this repository ships: deploy/kubernetes/*.yaml and the Secret template. */
export function shippedManifests(): string[] {
  const dir = join(ROOT, 'deploy', 'kubernetes');
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f))
    .concat(join(ROOT, 'deploy', 'secret.template.yaml'));
}

export interface ValidateOptions {
  /** docker-compose.yml to check too. */
  readonly composeFile?: string;
  /** Also refuse fields a kind does not define (a TypeScript program: ~3 s). */
  readonly strict?: boolean;
}

/** Every problem of the given manifests; empty when all is well. */
export function validateDeploy(files: readonly string[], options: ValidateOptions = {}): string[] {
  const { composeFile, strict = false } = options;
  const known = serviceEnvNames(join(ROOT, 'src'));
  const { manifests, problems } = readManifests(files);
  problems.push(...manifests.flatMap(schemaProblems));
  if (strict) problems.push(...unknownFieldProblems(manifests));
  problems.push(...ruleProblems(manifests, known));
  if (composeFile !== undefined) problems.push(...composeProblems(composeFile, known));
  return problems;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args : shippedManifests();
  const problems = validateDeploy(files, {
    strict: true,
    ...(args.length > 0 ? {} : { composeFile: join(ROOT, 'docker-compose.yml') }),
  });
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stdout.write(
    `validate:deploy: ${files.length} files, ${problems.length === 0 ? 'valid' : `${problems.length} problem(s)`}\n`,
  );
  process.exitCode = problems.length === 0 ? 0 : 1;
}
