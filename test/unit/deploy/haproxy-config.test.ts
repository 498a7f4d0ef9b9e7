import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../../scripts/validate-deploy.js';

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
});
