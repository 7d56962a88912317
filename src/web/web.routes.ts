import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpPlugin } from '../platform/http/server.ts';

/**
 * Serves the web app (web/, built by `npm run build` into web/dist): hashed assets with a year's cache and
 * their precompressed .br/.gz twins, and index.html for every other page path (the app routes in the
 * browser). Paths of the API and of the server's own pages are never answered with index.html.
 */
const DIST = resolve(import.meta.dirname, '../../web/dist');
const SERVER_PREFIXES = [
  '/api',
  '/auth',
  '/dci',
  '/integration',
  '/demo-idp',
  '/docs',
  '/openapi.json',
  '/health',
  '/login',
];
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Himoya: web app not built</title></head>
<body><main><h1>The web app is not built</h1>
<p>Build it with <code>npm run build</code> (or start with <code>npm start</code>, which builds first), then reload.</p>
<p>The API is running: <a href="/docs">API documentation</a>.</p></main></body></html>`;

function sendIndex(reply: FastifyReply) {
  const index = join(DIST, 'index.html');
  reply.header('cache-control', 'no-cache');
  if (!existsSync(index)) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
  return reply.type('text/html; charset=utf-8').send(readFileSync(index));
}

/** A file of web/dist, or undefined; never a path outside it. */
function distFile(urlPath: string): string | undefined {
  const path = normalize(join(DIST, decodeURIComponent(urlPath)));
  if (!path.startsWith(`${DIST}/`) || path.includes('/.vite/')) return undefined;
  return existsSync(path) && statSync(path).isFile() ? path : undefined;
}

function sendFile(request: FastifyRequest, reply: FastifyReply, path: string, immutable: boolean) {
  const accepted = String(request.headers['accept-encoding'] ?? '');
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  reply.header('vary', 'accept-encoding');
  reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
  for (const [encoding, suffix] of [
    ['br', '.br'],
    ['gzip', '.gz'],
  ] as const) {
    if (accepted.includes(encoding) && existsSync(path + suffix)) {
      return reply
        .type(type)
        .header('content-encoding', encoding)
        .send(readFileSync(path + suffix));
    }
  }
  return reply.type(type).send(readFileSync(path));
}

export const webRoutes: HttpPlugin = (app) => {
  const config = { access: { public: true } } as const;
  app.get('/', { schema: { hide: true }, config }, async (_request, reply) => sendIndex(reply));
  app.get('/assets/*', { schema: { hide: true }, config }, async (request, reply) => {
    const path = distFile(request.url.split('?')[0] ?? '');
    if (!path) return reply.callNotFound();
    return sendFile(request, reply, path, true);
  });
  // The single-page app's routes (/citizen/..., /staff/...): index.html, the browser does the rest.
  app.get('/*', { schema: { hide: true }, config }, async (request, reply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (SERVER_PREFIXES.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`))) {
      return reply.callNotFound();
    }
    const file = distFile(urlPath);
    if (file && !file.endsWith('index.html')) return sendFile(request, reply, file, false);
    return sendIndex(reply);
  });
};
