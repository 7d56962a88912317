import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, DATA_DIR: './data', DEMO: true, SEED_HOUSEHOLDS: 20000 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names the wrong variable and what it should be', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ URL/,
    );
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT.*HTTP port/);
  });

  it('turns demo mode off in production unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).DEMO).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEMO: 'true' }).DEMO).toBe(true);
  });
});

describe('HTTP platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('reports health with the database kind', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    });
  });

  it('publishes an OpenAPI document generated from the route schemas, and interactive docs', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    for (const path of [
      '/health',
      '/api/households',
      '/api/households/{id}',
      '/api/persons',
      '/api/change-requests',
      '/api/duplicates',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
  });

  it('answers unknown routes, malformed JSON and wrong media types with catalogue errors', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');

    const malformed = await t.api({
      method: 'POST',
      url: '/api/households',
      headers: { 'content-type': 'application/json' },
      payload: '{"id": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('VALIDATION_FAILED');
    expect(malformed.body).not.toMatch(/at .*\.ts/);

    const badId = await t.api({ method: 'GET', url: '/api/households/not-a-uuid' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.details.issues[0].where).toBe('params');

    const tooBig = await t.api({
      method: 'POST',
      url: '/api/households',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('echoes a request id for tracing', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(response.headers['x-request-id']).toBe('trace-123');
  });

  it('re-running migrations applies nothing', async () => {
    expect(await migrate(t.database)).toEqual([]);
  });
});
