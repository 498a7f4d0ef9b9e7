import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { ROOT, shippedManifests, validateDeploy } from '../../../scripts/validate-deploy.js';
import { checkConfig } from '../../../scripts/deploy/config-env.js';

type Json = Record<string, any>;

const shipped = shippedManifests();
const composeFile = join(ROOT, 'docker-compose.yml');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'validate-deploy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The shipped manifests, copied, with `edit` applied to the objects of `file`. */
function problemsFiles(file: string, edit: (object: Json) => void): string[] {
  return shipped.map((f) => {
    const copy = join(dir, basename(f));
    if (basename(f) !== file) {
      copyFileSync(f, copy);
      return copy;
    }
    const docs = parseAllDocuments(readFileSync(f, 'utf8'));
    if (!Array.isArray(docs)) throw new Error(`${f} has no documents`);
    writeFileSync(
      copy,
      docs
        .map((d) => {
          const object = d.toJS() as Json;
          edit(object);
          return stringify(object);
        })
        .join('---\n'),
    );
    return copy;
  });
}

/** The validator's problems with the shipped manifests edited (schemas and rules; strict has its own test). */
const problemsWith = (file: string, edit: (object: Json) => void): string[] =>
  validateDeploy(problemsFiles(file, edit));

/** The first container of the Deployment. */
const container = (d: Json): Json => d.spec.template.spec.containers[0];

describe('validate:deploy', () => {
  test('accepts the manifests and the compose file this repository ships', () => {
    expect(validateDeploy(shipped, { composeFile, strict: true })).toEqual([]);
  });

  test('rejects a field its kind does not define, at any depth (strict)', () => {
    const files = problemsFiles('deployment.yaml', (d) => {
      d.spec.template.spec.automountServiceAcountToken = false;
      container(d).readinesProbe = container(d).readinessProbe;
      container(d).livenessProbe.httpGet.paht = '/health';
    });
    const problems = validateDeploy(files, { strict: true });
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /Deployment\/sts-pathway-cds: unknown field spec.template.spec.automountServiceAcountToken$/,
        ),
        expect.stringMatching(/unknown field spec.template.spec.containers\[0\].readinesProbe$/),
        expect.stringMatching(/unknown field spec.template.spec.containers\[0\].livenessProbe.httpGet.paht$/),
      ]),
    );
  });

  test('an unfilled Secret template never starts a replica: the service refuses its placeholders', () => {
    const data = (file: string, key: 'data' | 'stringData'): Record<string, string> => {
      const docs = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'));
      if (!Array.isArray(docs)) throw new Error(`${file} has no documents`);
      return (docs[0]?.toJS() as Json)[key];
    };
    const env = {
      ...data('deploy/kubernetes/configmap.yaml', 'data'),
      ...data('deploy/secret.template.yaml', 'stringData'),
    };
    const refused = checkConfig(env).problems.join('\n');
    for (const name of [
      'CDS_CLIENTS',
      'DATABASE_URL',
      'REDIS_URL',
      'PSEUDONYM_KEY',
      'METRICS_TOKEN',
      'ADHERENCE_ADMIN_TOKEN',
    ]) {
      expect(refused).toContain(`${name} still holds the placeholder of deploy/secret.template.yaml`);
    }
  });

  test("rejects an object its kind's Kubernetes schema refuses", () => {
    const problems = problemsWith('deployment.yaml', (d) => {
      d.spec.replicas = 'two';
      delete d.spec.selector;
      container(d).ports[0].containerPort = '3000';
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /Deployment\/sts-pathway-cds: schema: .*must have required property selector.*spec\/replicas must be integer.*containerPort must be integer/,
        ),
      ]),
    );
  });

  test('rejects an unquoted number in ConfigMap data, as the API server would', () => {
    const problems = problemsWith('configmap.yaml', (c) => {
      c.data.PORT = 3000;
    });
    expect(problems).toEqual([
      expect.stringMatching(/ConfigMap\/sts-pathway-cds: schema: data\/data\/PORT must be string/),
    ]);
  });

  test('rejects a kind at an API version it has no schema for', () => {
    const problems = problemsWith('hpa.yaml', (h) => {
      h.apiVersion = 'autoscaling/v2beta1';
    });
    expect(problems).toEqual([expect.stringMatching(/no schema for autoscaling\/v2beta1 HorizontalPodAutoscaler/)]);
  });

  test('rejects probes that do not ask /ready and /health', () => {
    const problems = problemsWith('deployment.yaml', (d) => {
      container(d).readinessProbe.httpGet.path = '/health';
      delete container(d).livenessProbe;
    });
    expect(problems).toEqual([
      expect.stringMatching(/readinessProbe must be an httpGet of \/ready$/),
      expect.stringMatching(/container sts-pathway-cds: no livenessProbe$/),
    ]);
  });

  test('rejects a container that may gain privileges, keeps capabilities, writes its root filesystem or runs as root', () => {
    const problems = problemsWith('deployment.yaml', (d) => {
      container(d).securityContext = { allowPrivilegeEscalation: true, capabilities: { drop: ['NET_RAW'] } };
      d.spec.template.spec.securityContext.runAsUser = 0;
    });
    expect(problems).toEqual([
      expect.stringMatching(/allowPrivilegeEscalation must be false$/),
      expect.stringMatching(/readOnlyRootFilesystem must be true$/),
      expect.stringMatching(/capabilities.drop must include ALL$/),
      expect.stringMatching(/runAsUser must be a non-zero user id$/),
    ]);
  });

  test('rejects a read-only container without an emptyDir at /tmp', () => {
    const problems = problemsWith('deployment.yaml', (d) => {
      container(d).volumeMounts = [];
    });
    expect(problems).toEqual([expect.stringMatching(/\/tmp must be an emptyDir volume/)]);
  });

  test('rejects a container without memory limit or CPU request', () => {
    const problems = problemsWith('deployment.yaml', (d) => {
      delete container(d).resources.limits.memory;
      delete container(d).resources.requests.cpu;
    });
    expect(problems).toEqual([
      expect.stringMatching(/resources.requests.cpu is not set$/),
      expect.stringMatching(/resources.limits.memory is not set$/),
    ]);
  });

  test('rejects a variable the service does not read, in a ConfigMap, a Secret or a container env', () => {
    const renamed = problemsWith('configmap.yaml', (c) => {
      c.data.SHUTDOWN_GRACE_SECONDS = '20';
    });
    expect(renamed).toEqual([
      expect.stringMatching(/ConfigMap\/sts-pathway-cds: SHUTDOWN_GRACE_SECONDS is not a variable the service reads$/),
    ]);
    const secret = problemsWith('secret.template.yaml', (s) => {
      s.stringData.DATABASE_PASSWORD = 'REPLACE-ME';
    });
    expect(secret).toEqual([
      expect.stringMatching(/Secret\/sts-pathway-cds: DATABASE_PASSWORD is not a variable the service reads$/),
    ]);
    const env = problemsWith('deployment.yaml', (d) => {
      container(d).env.push({ name: 'PSEUDONYMKEY', value: 'x' });
    });
    expect(env).toEqual([expect.stringMatching(/env PSEUDONYMKEY is not a variable the service reads$/)]);
  });

  test('rejects an env entry reading a Secret key the Secret does not have', () => {
    const problems = problemsWith('secret.template.yaml', (s) => {
      delete s.stringData.METRICS_TOKEN;
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /env METRICS_TOKEN reads key METRICS_TOKEN of Secret sts-pathway-cds, which has no such key$/,
      ),
    ]);
  });

  test("rejects a ConfigMap value the service's own config loader refuses", () => {
    const problems = problemsWith('configmap.yaml', (c) => {
      c.data.LOG_LEVEL = 'verbose';
    });
    expect(problems).toEqual([
      expect.stringMatching(/the service's config refuses this environment: LOG_LEVEL must be one of/),
    ]);
  });

  test("rejects a termination grace period shorter than the service's drain", () => {
    const problems = problemsWith('configmap.yaml', (c) => {
      c.data.SHUTDOWN_GRACE_MS = '60000';
    });
    expect(problems).toEqual([expect.stringMatching(/terminationGracePeriodSeconds must be at least 75 /)]);
  });

  test('rejects a Service, PodDisruptionBudget or NetworkPolicy that selects no pods of the Deployment', () => {
    const relabel = (o: Json): void => {
      o.spec.template.metadata.labels['app.kubernetes.io/name'] = 'other';
      o.spec.selector.matchLabels['app.kubernetes.io/name'] = 'other';
    };
    const problems = problemsWith('deployment.yaml', relabel);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Service\/sts-pathway-cds: selector matches no Deployment's pods$/),
        expect.stringMatching(/PodDisruptionBudget\/sts-pathway-cds: selector matches no Deployment's pods$/),
        expect.stringMatching(/NetworkPolicy\/sts-pathway-cds: podSelector matches no Deployment's pods$/),
      ]),
    );
  });

  test('rejects a NetworkPolicy without DNS egress, or with an egress rule open to every destination', () => {
    const problems = problemsWith('networkpolicy.yaml', (n) => {
      n.spec.egress = n.spec.egress.slice(1);
      n.spec.egress.push({ ports: [{ protocol: 'TCP', port: 8080 }] });
    });
    expect(problems).toEqual([
      expect.stringMatching(/no egress rule for DNS \(UDP\/53\)$/),
      expect.stringMatching(/an egress rule without both `to` and `ports` allows every destination or port$/),
    ]);
  });

  test('rejects a compose replica given a variable the service does not read', () => {
    const copy = join(dir, 'docker-compose.yml');
    writeFileSync(
      copy,
      readFileSync(composeFile, 'utf8').replace('    LOG_LEVEL:', '    LOGLEVEL: debug\n    LOG_LEVEL:'),
    );
    expect(validateDeploy(shipped, { composeFile: copy })).toEqual([
      expect.stringMatching(/service sts-pathway-cds-1: LOGLEVEL is not a variable the service reads$/),
      expect.stringMatching(/service sts-pathway-cds-2: LOGLEVEL is not a variable the service reads$/),
    ]);
  });
});
