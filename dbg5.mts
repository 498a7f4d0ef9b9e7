import { startServiceProcess } from './test/helpers/service-process.js';
import { execSync } from 'node:child_process';
const svc = await startServiceProcess({ MAX_CONCURRENT_REQUESTS: '2', QUEUE_DEADLINE_MS: '400', RESULT_CACHE_SIZE: '0' });
execSync(`npx autocannon -c 10 -d 2 -m POST -H content-type=application/json -i /tmp/scale/body.json ${svc.url}/cds-services/sts-pathway-patient-view`);
console.log(execSync(`npx autocannon -c 100 -d 4 --renderStatusCodes -m POST -H content-type=application/json -i /tmp/scale/body.json ${svc.url}/cds-services/sts-pathway-patient-view 2>&1 | tail -25`).toString());
await svc.kill('SIGTERM');
