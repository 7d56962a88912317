import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { dropSchema, openDatabase } from '../platform/db/database.ts';
import { listMigrations, migrate } from '../platform/db/migrate.ts';
import { DomainError } from '../platform/errors.ts';
import { findMachineClient } from './identity.repository.ts';
import {
  clientCallbacksOf,
  createMachineClient,
  type NewMachineClient,
  setClientCallbacks,
} from './machine.service.ts';

/** A machine client's callback URIs, default callback URI and signing key: checked, normalised, kept. */

const DEV = { httpsOnly: false };
const base = (clientId: string): NewMachineClient => ({
  clientId,
  secret: `${clientId}-secret`,
  agency: 'spmis',
  scopes: ['dci.search'],
  area: null,
});
const publicJwk = () => generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });

describe('machine clients: callback URIs and signing keys', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb?.cleanup();
  });

  const refusal = async (client: NewMachineClient, policy?: { httpsOnly: boolean }) => {
    try {
      await createMachineClient(tdb.database.db, client, policy);
      return 'created';
    } catch (error) {
      return error instanceof DomainError ? { code: error.code, ...error.details } : String(error);
    }
  };

  it('keeps the URIs normalised, a default under them, and the public key', async () => {
    const jwk = { ...publicJwk(), kid: 'spmis-1' };
    await createMachineClient(
      tdb.database.db,
      {
        ...base('spmis-ok'),
        callbackUris: [
          'HTTPS://SPMIS.example:443/dci/',
          'https://spmis.example/dci/',
          'https://b.example/x/./y',
        ],
        defaultCallbackUri: 'https://spmis.example/dci/registry',
        signingJwk: jwk,
      },
      DEV,
    );
    expect(await clientCallbacksOf(tdb.database.db, 'spmis-ok')).toEqual({
      callbackUris: ['https://spmis.example/dci/', 'https://b.example/x/y'],
      defaultCallbackUri: 'https://spmis.example/dci/registry',
      signingJwk: jwk,
    });
    expect((await findMachineClient(tdb.database.db, 'spmis-ok'))?.signingJwk).toEqual(jwk);
  });

  it('replaces a client’s callback settings, checked the same way', async () => {
    await createMachineClient(
      tdb.database.db,
      { ...base('spmis-change'), callbackUris: ['https://old.example/dci'], signingJwk: publicJwk() },
      DEV,
    );
    expect(
      await setClientCallbacks(
        tdb.database.db,
        'spmis-change',
        { callbackUris: ['https://new.example/dci'], defaultCallbackUri: 'https://new.example/dci' },
        DEV,
      ),
    ).toBe(true);
    expect(await clientCallbacksOf(tdb.database.db, 'spmis-change')).toEqual({
      callbackUris: ['https://new.example/dci'],
      defaultCallbackUri: 'https://new.example/dci',
      signingJwk: null,
    });
    await expect(
      setClientCallbacks(tdb.database.db, 'spmis-change', { callbackUris: ['http://a:b@new.example/'] }, DEV),
    ).rejects.toMatchObject({ code: 'CALLBACK_URI_INVALID' });
    expect(await setClientCallbacks(tdb.database.db, 'nobody', {}, DEV)).toBe(false);
  });

  it('refuses user info, other schemes, http in production, a stray default and private or broken keys', async () => {
    expect(
      await refusal({ ...base('c1'), callbackUris: ['http://127.0.0.1:x@0.0.0.0:4999/cb'] }, DEV),
    ).toMatchObject({ code: 'CALLBACK_URI_INVALID', field: 'callbackUris' });
    expect(await refusal({ ...base('c2'), callbackUris: ['ftp://spmis.example/cb'] }, DEV)).toMatchObject({
      code: 'CALLBACK_URI_INVALID',
    });
    // Without a policy, as in production: https only.
    expect(await refusal({ ...base('c3'), callbackUris: ['http://spmis.example/cb'] })).toMatchObject({
      code: 'CALLBACK_URI_INVALID',
      reason: 'must be an https URL',
    });
    expect(
      await refusal(
        {
          ...base('c4'),
          callbackUris: ['https://spmis.example/cb'],
          defaultCallbackUri: 'https://spmis.example/cbx',
        },
        DEV,
      ),
    ).toMatchObject({ code: 'CALLBACK_URI_INVALID', field: 'defaultCallbackUri' });
    expect(
      await refusal({ ...base('c5'), defaultCallbackUri: 'https://spmis.example/cb' }, DEV),
    ).toMatchObject({ code: 'CALLBACK_URI_INVALID', field: 'defaultCallbackUri' });
    const privateJwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
    expect(await refusal({ ...base('c6'), signingJwk: privateJwk }, DEV)).toMatchObject({
      code: 'SIGNING_KEY_INVALID',
      reason: expect.stringMatching(/private key/),
    });
    expect(
      await refusal({ ...base('c7'), signingJwk: { kty: 'RSA', n: 'x', e: 'AQAB' } }, DEV),
    ).toMatchObject({
      code: 'SIGNING_KEY_INVALID',
    });
    expect(
      await refusal({ ...base('c8'), signingJwk: { kty: 'OKP', crv: 'Ed25519', x: 'short' } }, DEV),
    ).toMatchObject({ code: 'SIGNING_KEY_INVALID' });
    for (const id of ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']) {
      expect(await findMachineClient(tdb.database.db, id), id).toBeUndefined();
    }
  });
});

describe('migration 015: callback prefixes become callback URIs', () => {
  it('keeps prefixes that name a whole origin and drops "every port" wildcards and user info', async () => {
    const url = process.env.DATABASE_URL || undefined;
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const database = await openDatabase({ url, schema: url ? schema : undefined, poolSize: 2 });
    try {
      const all = listMigrations();
      await migrate(
        database,
        all.filter((m) => m.version < 15),
      );
      await database.query(
        `insert into machine_client (id, secret_hash, agency, scopes, callback_prefixes)
         values ('old', 'x', 'spmis', '{}', $1)`,
        [
          [
            'http://127.0.0.1:',
            'http://localhost:',
            'https://spmis.example/dci/',
            'https://spmis.example:8443',
            'http://127.0.0.1:x@0.0.0.0:4999/',
          ],
        ],
      );
      await migrate(database, all);
      const { rows } = await database.query<{ callback_uris: string[]; default_callback_uri: string | null }>(
        `select callback_uris, default_callback_uri from machine_client where id = 'old'`,
      );
      expect(rows).toEqual([
        {
          callback_uris: ['https://spmis.example/dci/', 'https://spmis.example:8443'],
          default_callback_uri: null,
        },
      ]);
    } finally {
      await database.close();
      if (url) await dropSchema(url, schema);
    }
  });
});
