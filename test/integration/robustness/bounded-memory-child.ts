/**
 * Child process of bounded-memory.test.ts (run with --expose-gc): serves the app on a loopback port, sends requests
 * whose content is distinct junk each time (resource types of 20,000 characters, top-level and contained, a dateTime of 4,000 digits), and
 * prints the heap after GC once warmed up and again after all requests, as JSON on stdout.
 */
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';

const total = Number(process.argv[2] ?? 2000);
const warmup = Math.min(200, Math.floor(total / 10));
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

const config = loadConfig({ STS_MODE: 'development', LOG_LEVEL: 'silent', EMBEDDED_FHIR: 'false' });
const app = createApp({ config, log: createLogger('silent') });
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const { port } = server.address() as AddressInfo;
const url = `http://127.0.0.1:${port}/cds-services/sts-pathway-patient-view`;

const junk = (i: number, length: number): string => `${i.toString(36)}${'x'.repeat(length)}`;
const body = (i: number): string =>
  JSON.stringify({
    hook: 'patient-view',
    hookInstance: `mem-${i}`,
    context: { userId: 'Practitioner/1', patientId: 'mem' },
    prefetch: {
      patient: { resourceType: 'Patient', id: 'mem', birthDate: '1960-01-01' },
      conditions: {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [
          { resource: { resourceType: `Junk${junk(i, 20_000)}`, id: 'j', subject: { reference: 'Patient/mem' } } },
          {
            resource: {
              resourceType: 'Condition',
              id: 'c',
              subject: { reference: 'Patient/mem' },
              // Not an STS: each request stays cheap, and the data path and engine still read every field.
              code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'I10' }] },
              contained: [{ resourceType: `Contained${junk(i, 20_000)}`, id: 'k' }],
              onsetDateTime: `2020-01-01T00:00:00.${String(i).padStart(6, '0')}${'1'.repeat(4_000)}Z`,
            },
          },
        ],
      },
      observations: null,
      medicationRequests: null,
      medicationAdministrations: null,
      medicationStatements: null,
      procedures: null,
    },
  });

const heapAfterGc = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const statuses = new Map<number, number>();
async function send(from: number, to: number): Promise<void> {
  // Four at a time: the server works while the next bodies are built.
  for (let i = from; i < to; i += 4) {
    await Promise.all(
      [0, 1, 2, 3]
        .filter((k) => i + k < to)
        .map(async (k) => {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: body(i + k),
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        }),
    );
  }
}

await send(0, warmup);
const warm = heapAfterGc();
await send(warmup, total);
const end = heapAfterGc();
server.close();
process.stdout.write(`${JSON.stringify({ warm, end, statuses: Object.fromEntries(statuses) })}\n`);
process.exit(0);
