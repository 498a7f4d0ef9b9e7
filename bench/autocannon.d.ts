/** The part of autocannon 9's programmatic API that bench/run.ts and the load tests use (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      body?: string;
      headers?: Record<string, string>;
      setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      headers?: Record<string, string>;
      requests?: Request[];
      method?: string;
      body?: string;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      /** Requests to send in all (instead of a duration). */
      amount?: number;
      /** Requests per second for all connections together. */
      overallRate?: number;
    }
    /** The running load: a promise of its result that also reports each response as it comes. */
    interface Instance extends Promise<Result> {
      on(event: 'response', listener: (client: unknown, statusCode: number) => void): Instance;
    }
    interface Histogram {
      average: number;
      /** Requests: how many completed in the run. */
      total: number;
      p50: number;
      p90: number;
      p99: number;
      max: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
      /** Seconds the run lasted. */
      duration: number;
    }
  }
  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
