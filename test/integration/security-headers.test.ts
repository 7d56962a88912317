import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPopulation } from '../../src/synthetic/seed.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/** The CSP's sources of one directive, e.g. script-src. */
function directive(policy: string | undefined, name: string): string[] {
  const found = (policy ?? '')
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([key]) => key === name);
  return found ? found.slice(1) : [];
}

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The text of every inline <script> and <style> block of a page (not those with src). */
function inlineBlocks(html: string, tag: 'script' | 'style'): string[] {
  const blocks: string[] = [];
  for (const m of html.matchAll(new RegExp(`<${tag}(\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))) {
    if (!(m[1] ?? '').includes('src=')) blocks.push(m[2] ?? '');
  }
  return blocks;
}

describe('every HTML answer tells the browser not to frame it and what may run in it', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, { households: 4, seed: 3, scope: 'khorezm', progress: false });
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  function expectPageHeaders(res: Awaited<ReturnType<typeof get>>) {
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const policy = res.headers['content-security-policy'] as string | undefined;
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(policy, 'default-src')).toEqual(["'self'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
    expect(directive(policy, 'script-src-attr')).toEqual(["'none'"]);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // Every inline block of the page is allowed by its hash, so the page works; nothing else inline is.
    for (const script of inlineBlocks(res.body, 'script')) {
      expect(directive(policy, 'script-src')).toContain(hashOf(script));
    }
    for (const style of inlineBlocks(res.body, 'style')) {
      expect(directive(policy, 'style-src')).toContain(hashOf(style));
    }
    return policy ?? '';
  }

  it('the sign-in page: its one inline script and its style are allowed by hash', async () => {
    const res = await get('/login');
    expect(res.statusCode).toBe(200);
    expectPageHeaders(res);
    expect(inlineBlocks(res.body, 'script')).toHaveLength(1);
    expect(directive(res.headers['content-security-policy'] as string, 'script-src')).toHaveLength(2);
  });

  it('the web app (built or not) and the API documentation', async () => {
    expectPageHeaders(await get('/'));
    expectPageHeaders(await get('/citizen/offers'));
    const docs = await get('/docs/');
    expect(docs.statusCode).toBe(200);
    expectPageHeaders(docs);
    expect(directive(docs.headers['content-security-policy'] as string, 'script-src')).toEqual(["'self'"]);
  });

  it('the demo identity provider’s pages', async () => {
    const begin = await get('/auth/citizen/login');
    const authorize = new URL(begin.headers.location ?? '');
    const page = await get(`${authorize.pathname}${authorize.search}`);
    expect(page.statusCode).toBe(200);
    expectPageHeaders(page);
    expect(inlineBlocks(page.body, 'style')).toHaveLength(1);
    const refused = await get('/demo-idp/authorize?response_type=token');
    expect(refused.statusCode).toBe(400);
    expectPageHeaders(refused);
  });

  it('API answers are never sniffed into another type', async () => {
    const res = await get('/api/territory/regions');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeUndefined();
  });
});
