import autocannon from 'autocannon';

/** One endpoint under load: what bench:api prints a line of. */
export interface EndpointFigures {
  endpoint: string;
  rps: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  requests_2xx: number;
  /** Sent but not answered before the run ended (in flight at its end, timed out): the server may still serve them. */
  unanswered: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  status_codes: Record<string, number>;
}

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
}

/**
 * Loads one endpoint with `connections` keep-alive connections for `seconds`; each request takes the next
 * path of `paths` (many households or search texts, not one answer from a warm cache).
 */
export async function loadEndpoint(
  endpoint: string,
  paths: readonly string[],
  options: LoadOptions,
): Promise<EndpointFigures> {
  if (paths.length === 0) throw new Error(`${endpoint}: no paths to request`);
  let next = 0;
  const result = await autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    requests: [
      {
        setupRequest: (request) => {
          const path = paths[next % paths.length] ?? paths[0];
          next += 1;
          return { ...request, method: 'GET', path };
        },
      },
    ],
  });
  const codes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, Number(count)]),
  );
  return {
    endpoint,
    rps: Math.round(result['2xx'] / result.duration),
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    requests_2xx: result['2xx'],
    unanswered: Math.max(0, result.requests.sent - result.requests.total),
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    status_codes: codes,
  };
}
