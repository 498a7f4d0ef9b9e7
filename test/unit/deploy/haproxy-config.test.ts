import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OperationOutcome } from 'fhir/r4.js';
import { ERROR_CASES } from '../../../src/errors.js';
import { ROOT } from '../../../scripts/validate-deploy.js';
import { freePort } from '../../helpers/haproxy.js';

const HAPROXY = '/usr/sbin/haproxy';
const config = join(ROOT, 'deploy', 'compose', 'haproxy.cfg');

/** Without HAProxy the check is skipped locally (with a message), never in CI, where .ci/run installs it. */
const enabled = existsSync(HAPROXY) || process.env.CI !== undefined;
if (!enabled) process.stderr.write(`SKIPPED haproxy.cfg check: ${HAPROXY} not found (apt-get install -y haproxy)\n`);

(enabled ? describe : describe.skip)('docker-compose load balancer (deploy/compose/haproxy.cfg)', () => {
  test('is a configuration HAProxy accepts, health-checking the replicas on /ready and not passing /metrics on', async () => {
    // The replicas' names resolve only inside the compose network: HAProxy warns and starts them unresolved.
    const { stdout } = await promisify(execFile)(HAPROXY, ['-c', '-f', config]);
    expect(stdout).toMatch(/Configuration file is valid/);
    const text = readFileSync(config, 'utf8');
    expect(text).toMatch(/^\s*option httpchk GET \/ready$/m);
    expect(text).toMatch(/^\s*http-request deny .*if \{ path \/metrics \}$/m);
    expect(text.match(/^\s*server \S+ sts-pathway-cds-\d:3000$/gm)).toHaveLength(2);
  });

  test("HAProxy's own error answers are the service's OperationOutcomes (a catalogued code of src/errors.ts)", () => {
    const bodies = [...readFileSync(config, 'utf8').matchAll(/^\s*http-error status (\d+) .* string '(.*)'$/gm)];
    expect(bodies.map((m) => m[1])).toEqual(['503', '504', '502', '404']);
    for (const [, , json] of bodies) {
      const body = JSON.parse(json!) as OperationOutcome;
      const issue = body.issue[0]!;
      const code = issue.details?.coding?.[0]?.code as keyof typeof ERROR_CASES;
      expect(ERROR_CASES[code]).toBeDefined();
      expect(issue.code).toBe(ERROR_CASES[code].type);
    }
  });

  test('with no replica up, an EHR gets 503 + Retry-After with an OperationOutcome, and /metrics a FHIR 404', async () => {
    // The compose file as it is, listening on a free loopback port instead of :3000; the replicas' names do not
    // resolve here, so HAProxy has no server up: the state of a cluster whose replicas are all down or starting.
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-compose-'));
    const local = join(dir, 'haproxy.cfg');
    writeFileSync(local, readFileSync(config, 'utf8').replace(/^(\s*)bind :3000$/m, `$1bind 127.0.0.1:${port}`));
    const child = spawn(HAPROXY, ['-db', '-f', local], { stdio: 'ignore' });
    try {
      const get = async (path: string): Promise<Response> => {
        for (let i = 0; ; i++) {
          try {
            return await fetch(`http://127.0.0.1:${port}${path}`, {
              headers: { connection: 'close' },
              signal: AbortSignal.timeout(5_000),
            });
          } catch (err) {
            if (i >= 100) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      };
      const hook = await get('/cds-services');
      expect(hook.status).toBe(503);
      expect(hook.headers.get('content-type')).toBe('application/fhir+json');
      expect(hook.headers.get('retry-after')).toBe('5');
      expect(await hook.json()).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'transient', details: { coding: [{ code: 'not-ready' }] } }],
      });
      const metrics = await get('/metrics');
      expect(metrics.status).toBe(404);
      expect(await metrics.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-found' }] });
    } finally {
      // Waited for, so no child process or socket outlives the test file (jest would warn of a worker not exiting).
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
