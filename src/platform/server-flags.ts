/**
 * Node flags the server process runs with (`npm start`; a deployment's unit or container sets the same, see
 * docs/DEPLOYMENT.md). A request allocates short-lived objects (rows, JSON, the answer): with V8's default
 * young generation the collector runs so often that its pauses set the tail of the latency. A 32 MB semi-space
 * (96 MB of young generation in all) took the household record under load from 1,602 to 2,033 req/s and its
 * p99 from 54 to 43 ms on the 2-core bench machine (docs/BENCHMARKS.md, "API under load").
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'] as const;
