import express from 'express';
import { createFhirRouter, type EmbeddedFhir } from './router.js';

/** A running standalone embedded FHIR server. */
export interface RunningFhirServer extends EmbeddedFhir {
  /** Base URL, e.g. `http://127.0.0.1:41234/fhir`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the embedded FHIR server at `/fhir` on a loopback port (0 or absent: a free one). */
export async function startFhirServer(
  opts: { port?: number; host?: string; writable?: boolean } = {},
): Promise<RunningFhirServer> {
  const fhir = await createFhirRouter({ writable: opts.writable });
  const app = express();
  app.disable('x-powered-by');
  app.use('/fhir', fhir.router);
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('FHIR server is not listening on a TCP port');
  const { port } = address;
  return {
    ...fhir,
    url: `http://${host}:${port}/fhir`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
