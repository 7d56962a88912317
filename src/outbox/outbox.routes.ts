import { z } from 'zod';
import { auditFromRequest } from '../audit/audit.service.ts';
import { CountAnswer, PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { OUTBOX_KINDS } from '../shared/outbox.ts';
import { DEAD_REASONS } from './outbox.handlers.ts';
import { countDeadLetters, listDeadLetters, outboxState, retryDeadLetter } from './outbox.service.ts';

const TAGS = ['outbox'];
const Kind = z.string().regex(/^[a-z][a-z0-9_]{1,40}$/);

const DeadLetter = z.object({
  id: z.uuid(),
  kind: z.string().describe("The handler's kind: 'sms', 'intake_callback', 'dci_callback'"),
  target: z.string().describe('A phone number masked to its last four digits, or the host of an address'),
  attempts: z.number().int(),
  reason: z.enum(DEAD_REASONS).describe('Why it was given up'),
  lastError: z.string().nullable().describe('The last answer or error, for the operator'),
  createdAt: z.date(),
  deadAt: z.date(),
});

const KindState = z.object({
  kind: z.string().describe("The handler's kind: 'sms', 'intake_callback', 'dci_callback'"),
  queued: z.number().int().describe('Waiting for their first attempt'),
  retrying: z.number().int().describe('Waiting for another attempt after failed ones'),
  sent: z.number().int().describe("Delivered to the recipient's system"),
  dead: z.number().int().describe('Given up (the dead letters)'),
  oldestWaitingSeconds: z
    .number()
    .int()
    .nullable()
    .describe('How long the oldest message still waiting has waited; null when none waits'),
});

const PHONE = /^\+?[0-9][0-9 -]{5,}$/;

/** What staff see of a target: never a whole phone number, and of an address its host (the organisation). */
export function maskTarget(target: string): string {
  if (PHONE.test(target)) return `***${target.replace(/\D/g, '').slice(-4)}`;
  try {
    return new URL(target).host || target;
  } catch {
    return target.length > 60 ? `${target.slice(0, 57)}...` : target;
  }
}

/** Dead letters of the outbox, for staff who hold `outbox.read`, and a second chance (`outbox.retry`). */
export const outboxRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.get(
    '/api/outbox/dead-letters/count',
    {
      config: { access: { action: 'outbox.read' } },
      schema: {
        tags: TAGS,
        summary: 'How many messages the outbox gave up (the dead-letter list, same filter)',
        querystring: z.object({ kind: Kind.optional() }),
        response: { 200: CountAnswer },
      },
    },
    async (request) => ({ total: await countDeadLetters(db, request.query) }),
  );

  app.get(
    '/api/outbox/dead-letters',
    {
      config: { access: { action: 'outbox.read' } },
      schema: {
        tags: TAGS,
        summary: 'Messages the outbox gave up, the latest first (phones masked)',
        querystring: PageQuery.extend({ kind: Kind.optional() }),
        response: { 200: pageOf(DeadLetter) },
      },
    },
    async (request) => {
      const { page, pageSize, kind } = request.query;
      const result = await listDeadLetters(db, { kind }, { page, pageSize });
      if (result.items.length > 0) {
        await auditFromRequest(db, request, {
          action: 'search',
          resourceType: 'outbox_message',
          fields: ['outbox.target', 'outbox.error'],
        });
      }
      return {
        items: result.items.map((d) => ({ ...d, target: maskTarget(d.target) })),
        total: result.total,
        page,
        pageSize,
      };
    },
  );

  app.get(
    '/api/outbox/state',
    {
      config: { access: { action: 'outbox.read' } },
      schema: {
        tags: TAGS,
        summary: 'Where the outbox stands: messages per kind and state, and the oldest waiting age',
        description: 'Counts only: no message, phone or address is shown, so the read is not audited.',
        response: { 200: z.object({ kinds: z.array(KindState) }) },
      },
    },
    async () => ({ kinds: await outboxState(db, OUTBOX_KINDS) }),
  );

  app.post(
    '/api/outbox/dead-letters/:id/retry',
    {
      config: { access: { action: 'outbox.retry' } },
      schema: {
        tags: TAGS,
        summary: 'Send a dead letter again (a fresh series of attempts)',
        description: 'Anything but a dead letter (delivered, pending or unknown) is 404.',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ id: z.uuid(), status: z.literal('pending') }) },
      },
    },
    async (request) => {
      const message = await retryDeadLetter(db, request.params.id);
      await auditFromRequest(db, request, {
        action: 'update',
        resourceType: 'outbox_message',
        resourceId: message.id,
        fields: ['outbox.status'],
      });
      return { id: message.id, status: 'pending' as const };
    },
  );
};
