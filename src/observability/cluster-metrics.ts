/**
 * GET /metrics with WORKERS > 1 (src/cluster.ts): the workers share one port, so a scrape reaches one worker at random;
 * it must answer for all of them, or counters would jump between workers' values. The worker that gets the scrape asks
 * the primary over the cluster IPC channel; the primary collects every worker's registry with prom-client's
 * AggregatorRegistry (counters and histograms summed, gauges per their aggregator) and sends the text back.
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type PrometheusContentType, type Registry } from 'prom-client';

const REQUEST = 'sts-pathway-cds:metrics-request';
const ANSWER = 'sts-pathway-cds:metrics-answer';
/** prom-client gives up on a worker after 5 s; the asking worker waits a little longer for that answer. */
const WAIT_MS = 6_000;

interface MetricsMessage {
  readonly type: string;
  readonly id: string;
  readonly text?: string;
  readonly error?: string;
}

const isMessage = (m: unknown): m is MetricsMessage =>
  typeof m === 'object' &&
  m !== null &&
  typeof Reflect.get(m, 'type') === 'string' &&
  typeof Reflect.get(m, 'id') === 'string';

let workerAggregator: AggregatorRegistry<PrometheusContentType> | undefined;

/** In a cluster worker: `register` is what this worker reports to the primary's aggregation. Nothing elsewhere. */
export function shareWithPrimary(register: Registry): void {
  if (!cluster.isWorker) return;
  AggregatorRegistry.setRegistries([register]);
  // Constructing one installs prom-client's listener that answers the primary's requests.
  workerAggregator ??= new AggregatorRegistry<PrometheusContentType>();
}

/**
 * In a cluster worker: every worker's metrics, aggregated by the primary. Undefined outside a cluster (the process
 * answers for itself). Rejects when the primary does not answer in time.
 */
export function clusterMetricsText(): Promise<string | undefined> {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || send === undefined) return Promise.resolve(undefined);
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('the cluster primary did not answer with the metrics of every worker'));
    }, WAIT_MS);
    const onMessage = (m: unknown): void => {
      if (!isMessage(m) || m.type !== ANSWER || m.id !== id) return;
      done();
      if (m.text !== undefined) resolve(m.text);
      else reject(new Error(m.error ?? 'no metrics'));
    };
    process.on('message', onMessage);
    send({ type: REQUEST, id });
  });
}

/** In the cluster primary: answers the workers' requests with the aggregate of every worker. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry<PrometheusContentType>();
  cluster.on('message', (worker, m: unknown) => {
    if (!isMessage(m) || m.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: m.id, text }),
      (err: unknown) =>
        worker.send({ type: ANSWER, id: m.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
