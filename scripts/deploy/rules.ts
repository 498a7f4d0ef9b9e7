/**
 * The project's rules for its Kubernetes manifests, beyond the schemas: the probes point at the service's /ready and
 * /health, the container runs non-root on a read-only filesystem without privileges, resources are bounded, every
 * variable set is one the service reads and the values pass its own config loader, the drain fits in the termination
 * grace period, and the Service, HPA, PDB and NetworkPolicy select the Deployment's pods.
 */
import { isRecord, where, type Json, type Manifest } from './manifests.js';
import { checkConfig } from './config-env.js';

/** Up to this long the adherence queue is flushed after the server has closed (src/adherence/recorder.ts `close`). */
const ADHERENCE_FLUSH_MS = 10_000;

/** Well-formed values for Secret keys, standing in for the template's placeholders when the config loader is run. */
const SECRET_STAND_INS: Readonly<Record<string, string>> = {
  CDS_CLIENTS: JSON.stringify([
    { iss: 'https://ehr.invalid', jku: 'https://ehr.invalid/jwks.json', fhirServers: ['https://fhir.invalid/r4'] },
  ]),
  DATABASE_URL: 'postgres://validator@postgres.invalid:5432/sts',
  REDIS_URL: 'redis://redis.invalid:6379/0',
};
const standIn = (key: string): string => SECRET_STAND_INS[key] ?? 'validator-stand-in-secret-0123456789abcdef';

const REQUIRED_KINDS = [
  'Deployment',
  'Service',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'ConfigMap',
  'Secret',
  'NetworkPolicy',
];

const rec = (v: unknown): Json => (isRecord(v) ? v : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const strings = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(rec(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

/** The entries of a ConfigMap or Secret (`stringData` as the API server merges it over `data`). */
const keysOf = (m: Manifest): Record<string, string> => ({
  ...strings(m.object.data),
  ...strings(m.object.stringData),
});

/** `selector` (matchLabels) picks pods labelled `labels`. */
const selects = (selector: unknown, labels: Record<string, string>): boolean => {
  const want = strings(selector);
  return Object.keys(want).length > 0 && Object.entries(want).every(([k, v]) => labels[k] === v);
};

export function ruleProblems(manifests: readonly Manifest[], knownEnv: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const kind of REQUIRED_KINDS) {
    if (!manifests.some((m) => m.kind === kind)) problems.push(`no ${kind} among the manifests`);
  }
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  const pods = deployments.map((d) => ({ d, labels: strings(rec(rec(rec(d.object.spec).template).metadata).labels) }));
  for (const d of deployments) problems.push(...deploymentProblems(d, manifests, knownEnv));

  for (const m of manifests) {
    const spec = rec(m.object.spec);
    const at = where(m);
    if (m.kind === 'ConfigMap' || m.kind === 'Secret') {
      // Both exist only to become the service's environment: a key it does not read is a typo or a renamed setting.
      for (const k of Object.keys(keysOf(m)))
        if (!knownEnv.has(k)) problems.push(`${at}: ${k} is not a variable the service reads`);
    } else if (m.kind === 'Service') {
      const target = pods.find((p) => selects(spec.selector, p.labels));
      if (!target) problems.push(`${at}: selector matches no Deployment's pods`);
      else {
        const ports = containerPorts(target.d);
        for (const p of list(spec.ports)) {
          if (!ports.has(String(p.targetPort ?? p.port)))
            problems.push(`${at}: targetPort ${String(p.targetPort)} is no container port`);
        }
      }
    } else if (m.kind === 'HorizontalPodAutoscaler') {
      const ref = rec(spec.scaleTargetRef);
      if (ref.kind !== 'Deployment' || !deployments.some((d) => d.name === ref.name)) {
        problems.push(`${at}: scaleTargetRef names no Deployment of these manifests`);
      }
      if (typeof spec.minReplicas !== 'number' || spec.minReplicas < 2)
        problems.push(`${at}: minReplicas must be at least 2 (one replica may die)`);
      if (!list(spec.metrics).some((x) => x.type === 'Resource' && rec(x.resource).name === 'cpu'))
        problems.push(`${at}: no CPU metric`);
    } else if (m.kind === 'PodDisruptionBudget') {
      if (!pods.some((p) => selects(rec(spec.selector).matchLabels, p.labels)))
        problems.push(`${at}: selector matches no Deployment's pods`);
    } else if (m.kind === 'NetworkPolicy') {
      problems.push(
        ...networkPolicyProblems(
          m,
          pods.map((p) => p.labels),
        ),
      );
    }
  }
  return problems;
}

function containerPorts(d: Manifest): Set<string> {
  const ports = new Set<string>();
  for (const c of list(rec(rec(rec(d.object.spec).template).spec).containers)) {
    for (const p of list(c.ports)) {
      if (typeof p.name === 'string') ports.add(p.name);
      if (typeof p.containerPort === 'number') ports.add(String(p.containerPort));
    }
  }
  return ports;
}

function deploymentProblems(d: Manifest, manifests: readonly Manifest[], knownEnv: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const at = where(d);
  const spec = rec(d.object.spec);
  const pod = rec(rec(spec.template).spec);
  const podSc = rec(pod.securityContext);
  if (typeof spec.replicas !== 'number' || spec.replicas < 2) problems.push(`${at}: replicas must be at least 2`);
  const find = (kind: string, name: unknown): Manifest | undefined =>
    manifests.find((m) => m.kind === kind && m.name === name);
  const volumes = new Map(list(pod.volumes).map((v) => [String(v.name), v]));

  for (const c of list(pod.containers)) {
    const cat = `${at}: container ${String(c.name)}`;
    const ports = new Set(
      list(c.ports)
        .flatMap((p) => [p.name, p.containerPort])
        .filter((p) => p !== undefined)
        .map(String),
    );
    const probe = (name: string, paths: readonly string[], required: boolean): void => {
      const get = rec(rec(c[name]).httpGet);
      if (c[name] === undefined) {
        if (required) problems.push(`${cat}: no ${name}`);
        return;
      }
      if (typeof get.path !== 'string' || !paths.includes(get.path))
        problems.push(`${cat}: ${name} must be an httpGet of ${paths.join(' or ')}`);
      if (!ports.has(String(get.port))) problems.push(`${cat}: ${name} port ${String(get.port)} is no container port`);
    };
    probe('readinessProbe', ['/ready'], true);
    probe('livenessProbe', ['/health'], true);
    probe('startupProbe', ['/health', '/ready'], false);

    const resources = rec(c.resources);
    for (const part of ['requests', 'limits']) {
      for (const r of ['cpu', 'memory']) {
        if (rec(resources[part])[r] === undefined) problems.push(`${cat}: resources.${part}.${r} is not set`);
      }
    }

    const sc = rec(c.securityContext);
    if (sc.allowPrivilegeEscalation !== false)
      problems.push(`${cat}: securityContext.allowPrivilegeEscalation must be false`);
    if (sc.readOnlyRootFilesystem !== true)
      problems.push(`${cat}: securityContext.readOnlyRootFilesystem must be true`);
    if (sc.privileged === true) problems.push(`${cat}: securityContext.privileged must not be true`);
    const drop = rec(sc.capabilities).drop;
    if (!(Array.isArray(drop) && drop.includes('ALL')))
      problems.push(`${cat}: securityContext.capabilities.drop must include ALL`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problems.push(`${cat}: runAsNonRoot must be true`);
    // The image's user is a name (USER node): the kubelet can only verify non-root against a numeric runAsUser.
    const uid = sc.runAsUser ?? podSc.runAsUser;
    if (typeof uid !== 'number' || uid === 0) problems.push(`${cat}: runAsUser must be a non-zero user id`);
    const tmp = list(c.volumeMounts).find((v) => v.mountPath === '/tmp');
    if (!tmp || !isRecord(volumes.get(String(tmp.name))?.emptyDir))
      problems.push(`${cat}: /tmp must be an emptyDir volume (the root filesystem is read-only)`);

    // The environment the container gets, checked name by name and then as a whole by the service's config loader.
    const env: Record<string, string> = {};
    for (const from of list(c.envFrom)) {
      const ref = isRecord(from.configMapRef)
        ? { kind: 'ConfigMap', ref: from.configMapRef }
        : { kind: 'Secret', ref: rec(from.secretRef) };
      if (from.prefix !== undefined)
        problems.push(`${cat}: envFrom with a prefix sets names the service does not read`);
      const source = find(ref.kind, ref.ref.name);
      if (!source) {
        problems.push(`${cat}: envFrom names ${ref.kind} ${String(ref.ref.name)}, not among the manifests`);
        continue;
      }
      // Their names are checked with every ConfigMap and Secret (ruleProblems).
      for (const [k, v] of Object.entries(keysOf(source))) env[k] = ref.kind === 'Secret' ? standIn(k) : v;
    }
    for (const e of list(c.env)) {
      const name = String(e.name);
      if (!knownEnv.has(name)) problems.push(`${cat}: env ${name} is not a variable the service reads`);
      if (typeof e.value === 'string') env[name] = e.value;
      const from = rec(e.valueFrom);
      for (const [kind, ref] of [
        ['Secret', rec(from.secretKeyRef)],
        ['ConfigMap', rec(from.configMapKeyRef)],
      ] as const) {
        // A key that is no string is the schema check's to report (validate-deploy checks the schemas first).
        if (typeof ref.key !== 'string') continue;
        const source = find(kind, ref.name);
        const keys = source ? keysOf(source) : {};
        const key = ref.key;
        if (keys[key] === undefined && ref.optional !== true)
          problems.push(`${cat}: env ${name} reads key ${key} of ${kind} ${String(ref.name)}, which has no such key`);
        else if (keys[key] !== undefined) env[name] = kind === 'Secret' ? standIn(key) : keys[key];
      }
    }
    const { config, problems: refused } = checkConfig(env);
    for (const p of refused) problems.push(`${cat}: the service's config refuses this environment: ${p}`);
    if (config) {
      if (config.mode !== 'production') problems.push(`${cat}: STS_MODE must be production`);
      if (!ports.has(String(config.port)))
        problems.push(`${cat}: the service listens on ${config.port}, not a container port`);
      const drainS = Math.ceil(
        (config.capacity.shutdownDelayMs + config.capacity.shutdownGraceMs + ADHERENCE_FLUSH_MS) / 1000,
      );
      const grace = pod.terminationGracePeriodSeconds;
      if (typeof grace !== 'number' || grace < drainS) {
        problems.push(
          `${at}: terminationGracePeriodSeconds must be at least ${drainS} (SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS + the adherence flush)`,
        );
      }
    }
  }
  return problems;
}

function networkPolicyProblems(m: Manifest, podLabels: readonly Record<string, string>[]): string[] {
  const problems: string[] = [];
  const spec = rec(m.object.spec);
  const at = where(m);
  if (!podLabels.some((labels) => selects(rec(spec.podSelector).matchLabels, labels)))
    problems.push(`${at}: podSelector matches no Deployment's pods`);
  if (!(Array.isArray(spec.policyTypes) && spec.policyTypes.includes('Egress')))
    problems.push(`${at}: policyTypes must include Egress`);
  const allowed = list(spec.egress).flatMap((rule) =>
    list(rule.ports).map((p) => `${typeof p.protocol === 'string' ? p.protocol : 'TCP'}/${String(p.port)}`),
  );
  const needed = [
    ['DNS', 'UDP/53'],
    ['PostgreSQL', 'TCP/5432'],
    ['Redis', 'TCP/6379'],
    ['HTTPS (FHIR servers)', 'TCP/443'],
  ] as const;
  for (const [what, port] of needed) {
    if (!allowed.includes(port)) problems.push(`${at}: no egress rule for ${what} (${port})`);
  }
  if (list(spec.egress).some((rule) => rule.to === undefined || rule.ports === undefined)) {
    problems.push(`${at}: an egress rule without both \`to\` and \`ports\` allows every destination or port`);
  }
  return problems;
}
