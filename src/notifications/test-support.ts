import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { createHousehold } from '../registry/households/household.service.ts';
import { makePinfl } from '../registry/pinfl.ts';

/** Helpers of the notifications and intake tests: a family in the registry, and a tiny HTTP server. */

let serial = 500;

/** A household with its head (phone as given), in the first mahalla of the installed territory. */
export async function makeFamily(db: Kysely<DB>, options: { phone?: string | null } = {}) {
  const mahalla = await db.selectFrom('mahalla').select('code').orderBy('code').executeTakeFirstOrThrow();
  serial += 1;
  const birthDate = '1985-04-12';
  const pinfl = makePinfl(birthDate, 'F', '733', serial);
  const personId = randomUUID();
  const householdId = randomUUID();
  await createHousehold(db, {
    id: householdId,
    mahallaCode: mahalla.code,
    address: 'Test street 5',
    createdOn: '2020-01-01',
    head: {
      id: personId,
      pinfl,
      lastName: 'Rahimova',
      firstName: 'Dilnoza',
      patronymic: null,
      sex: 'F',
      birthDate,
      source: 'social_worker',
    },
    source: 'social_worker',
  });
  if (options.phone !== null) {
    await db
      .updateTable('person')
      .set({ phone: options.phone ?? '+998901112233' })
      .where('id', '=', personId)
      .execute();
  }
  return { personId, householdId, pinfl };
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: unknown;
}

/**
 * A local HTTP server that answers requests from a script: each entry is the status and JSON body of one
 * answer (the last entry repeats), or 'hang' (never answers, for timeouts).
 */
export async function scriptedServer(script: readonly ({ status: number; body?: unknown } | 'hang')[]) {
  const received: Received[] = [];
  let index = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, body: text ? JSON.parse(text) : null });
      const step = script[Math.min(index, script.length - 1)] ?? { status: 200 };
      index += 1;
      if (step === 'hang') return;
      response.writeHead(step.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(step.body ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
