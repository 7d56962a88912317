import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * Headers that keep the browser from turning our answers against their readers: no page of ours may be
 * framed (clickjacking), no script runs but our own files and the inline code a page declares by hash
 * (an injected <script> does not), nothing is sniffed into another type, and no address with a PINFL
 * in it leaves the site in a Referer.
 */

/** A CSP source that allows exactly this inline script or style block, and nothing else inline. */
export function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export interface InlineCode {
  /** The exact text of each inline <script> of the page (from the template, never from the output). */
  scripts?: readonly string[];
  /** The exact text of each inline <style> of the page. */
  styles?: readonly string[];
}

export function contentSecurityPolicy(inline: InlineCode = {}): string {
  const with_ = (sources: readonly string[] | undefined) =>
    ["'self'", ...(sources ?? []).map(hashSource)].join(' ');
  return [
    "default-src 'self'",
    `script-src ${with_(inline.scripts)}`,
    "script-src-attr 'none'",
    `style-src ${with_(inline.styles)}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const DEFAULT_POLICY = contentSecurityPolicy();

/**
 * The API documentation: Swagger UI's scripts are files, and its logo (an SVG it renders) carries this
 * one style block. A Swagger UI upgrade that changes it shows as a CSP violation in the browser test.
 */
const SWAGGER_LOGO_STYLE = '.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}';
export const DOCS_POLICY = contentSecurityPolicy({ styles: [SWAGGER_LOGO_STYLE] });

/**
 * Every answer: `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`. Every HTML answer
 * also: `X-Frame-Options: DENY` and a Content-Security-Policy with `frame-ancestors 'none'`, the strict
 * default unless the route set its own (a page with inline code sets `contentSecurityPolicy` with the
 * hashes of that code).
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.toLowerCase().startsWith('text/html')) return;
    reply.header('x-frame-options', 'DENY');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', DEFAULT_POLICY);
  });
}
