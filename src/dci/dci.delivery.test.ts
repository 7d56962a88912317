import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createMachineClient } from '../identity/machine.service.ts';
import { DeliveryFailed, deliverOutbox } from './dci.delivery.ts';
import { HIMOYA_DCI_ID } from './dci.envelope.ts';
import * as repo from './dci.repository.ts';
import { verifyMessageSignature } from './dci.signature.ts';
import { DciSigner } from './dci.signing-key.ts';

/** Delivery of the outbox: signed bodies, redirects never followed, only registered addresses called. */

interface Received {
  path: string;
  body: unknown;
}

async function server(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = [];
  const http: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
      });
      answer(req, res);
    });
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  return {
    base: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((done) => {
        http.closeAllConnections();
        http.close(() => done());
      }),
  };
}

describe('DCI outbox delivery', () => {
  let tdb: TestDatabase;
  let signer: DciSigner;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    tdb = await createTestDatabase();
    signer = new DciSigner(tdb.database.db, undefined);
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await tdb?.cleanup();
  });

  const context = () => ({ db: tdb.database.db, signer, policy: { httpsOnly: false } });
  const envelope = (transactionId: string) => ({
    header: {
      version: '1.0.0',
      message_id: transactionId,
      message_ts: new Date().toISOString(),
      action: 'on-search',
      status: 'succ',
      sender_id: HIMOYA_DCI_ID,
    },
    message: { transaction_id: transactionId, correlation_id: `c-${transactionId}`, search_response: [] },
  });
  const register = (clientId: string, callbackUri: string) =>
    createMachineClient(
      tdb.database.db,
      {
        clientId,
        secret: `${clientId}-secret`,
        agency: 'spmis',
        scopes: ['dci.search'],
        area: null,
        callbackUris: [callbackUri],
      },
      { httpsOnly: false },
    );
  const queue = (clientId: string, url: string, transactionId: string) =>
    repo.enqueueOutbox(tdb.database.db, {
      kind: 'on-search',
      clientId,
      url,
      body: envelope(transactionId),
      dedupeKey: `test:${transactionId}`,
    });

  it('signs what it delivers, verifiably with the published key', async () => {
    const partner = await server((_req, res) => res.writeHead(200).end('{}'));
    closers.push(partner.close);
    await register('spmis-ok', `${partner.base}/dci`);
    const row = await queue('spmis-ok', `${partner.base}/dci/registry/on-search`, 'ok-1');
    await deliverOutbox(context(), row.id);
    expect(partner.received).toHaveLength(1);
    const delivered = partner.received[0]?.body as { signature: string; header: { sender_id: string } };
    const [publicJwk] = (await signer.jwks()).keys;
    expect(verifyMessageSignature(delivered, { ...publicJwk })).toEqual({ ok: true });
    expect((await repo.findOutbox(tdb.database.db, row.id))?.status).toBe('delivered');
  });

  it('never follows a 307 to another port: a failed attempt, logged in the row, retried later', async () => {
    const elsewhere = await server((_req, res) => res.writeHead(200).end('{}'));
    const partner = await server((_req, res) =>
      res.writeHead(307, { location: `${elsewhere.base}/dci/registry/on-search` }).end(),
    );
    closers.push(elsewhere.close, partner.close);
    await register('spmis-redirect', `${partner.base}/dci`);
    const row = await queue('spmis-redirect', `${partner.base}/dci/registry/on-search`, 'redirect-1');
    await expect(deliverOutbox(context(), row.id)).rejects.toBeInstanceOf(DeliveryFailed);
    expect(partner.received).toHaveLength(1);
    expect(elsewhere.received).toEqual([]);
    expect(await repo.findOutbox(tdb.database.db, row.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: expect.stringMatching(/^redirect refused: HTTP 307 to http:\/\/127\.0\.0\.1:\d+\//),
    });
  });

  it('fails a row whose address is not under the client’s registered callback URI, calling nobody', async () => {
    const partner = await server((_req, res) => res.writeHead(200).end('{}'));
    closers.push(partner.close);
    await register('spmis-moved', 'http://127.0.0.1:9/dci');
    // Queued before the rules (an old prefix let it in) or before the client's URIs changed.
    const row = await queue('spmis-moved', `${partner.base}/dci/registry/on-search`, 'moved-1');
    await deliverOutbox(context(), row.id);
    expect(partner.received).toEqual([]);
    expect(await repo.findOutbox(tdb.database.db, row.id)).toMatchObject({
      status: 'failed',
      last_error: expect.stringMatching(/not under a callback URI registered/),
    });
  });
});
