import { z } from 'zod';
import { actorIn, scopeFor } from '../access/access.plugin.ts';
import { auditFromRequest } from '../audit/audit.service.ts';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as notifications from './notification.service.ts';
import { maskPhone } from './providers.ts';

const TAGS = ['notifications'];
const IdParams = z.object({ id: z.uuid() });
const Status = z.enum(['queued', 'sending', 'sent', 'delivered', 'failed']);
const Channel = z.enum(['sms', 'portal']);

/** Header an SMS gateway that cannot use client credentials sends with its delivery reports. */
export const CALLBACK_SECRET_HEADER = 'x-himoya-callback-secret';

export const PortalMessage = z.object({
  id: z.uuid(),
  template: z.string(),
  text: z.string(),
  language: z.string(),
  createdAt: z.date(),
  readAt: z.date().nullable(),
});

const MyMessages = pageOf(PortalMessage).extend({ unread: z.number().int() });

export const OutboxItem = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  channel: Channel,
  template: z.string(),
  language: z.string(),
  text: z.string(),
  phone: z.string().nullable().describe('Last four digits only'),
  status: Status,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  provider: z.string().nullable(),
  createdAt: z.date(),
  sentAt: z.date().nullable(),
  deliveredAt: z.date().nullable(),
  readAt: z.date().nullable(),
});

const DeliveryReport = z.object({
  messageId: z.string().min(1).max(200).describe("The gateway's message id, as its send answer gave it"),
  status: z.enum(['delivered', 'failed']),
  error: z.string().max(500).optional(),
});

const portalView = (n: notifications.NotificationRecord): z.infer<typeof PortalMessage> => ({
  id: n.id,
  template: n.template,
  text: n.body,
  language: n.language,
  createdAt: n.createdAt,
  readAt: n.readAt,
});

export const notificationRoutes: HttpPlugin = (app, { database, config }) => {
  const { db } = database;

  app.get(
    '/api/me/notifications',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'My messages on the portal, newest first, with the count of unread ones',
        querystring: PageQuery,
        response: { 200: MyMessages },
      },
    },
    async (request) => {
      const actor = actorIn(request);
      const personId = actor.kind === 'citizen' ? actor.personId : '';
      const { page, pageSize } = request.query;
      const result = await notifications.listMyMessages(db, personId, { page, pageSize });
      return {
        items: result.items.map(portalView),
        total: result.total,
        unread: result.unread,
        page,
        pageSize,
      };
    },
  );

  app.post(
    '/api/me/notifications/:id/read',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'Mark one of my messages read (repeating it changes nothing)',
        params: IdParams,
        response: { 200: PortalMessage },
      },
    },
    async (request) => {
      const actor = actorIn(request);
      const personId = actor.kind === 'citizen' ? actor.personId : '';
      return portalView(await notifications.readMyMessage(db, request.params.id, personId));
    },
  );

  app.get(
    '/api/notifications',
    {
      config: { access: { action: 'audit.read' } },
      schema: {
        tags: TAGS,
        summary: 'The outbox (SMS and portal messages) of the households in my area, newest first',
        querystring: PageQuery.extend({ status: Status.optional(), channel: Channel.optional() }),
        response: { 200: pageOf(OutboxItem) },
      },
    },
    async (request) => {
      const { page, pageSize, status, channel } = request.query;
      const scope = await scopeFor(request, db, 'audit.read');
      const result = await notifications.listNotifications(
        db,
        { status, channel },
        { page, pageSize },
        scope,
      );
      if (result.items.length > 0) {
        await auditFromRequest(db, request, {
          action: 'search',
          resourceType: 'notification',
          subjectPersonIds: [...new Set(result.items.map((n) => n.personId))],
          fields: ['notification.text', 'notification.phone'],
        });
      }
      return {
        items: result.items.map((n) => ({
          id: n.id,
          personId: n.personId,
          channel: n.channel,
          template: n.template,
          language: n.language,
          text: n.body,
          phone: n.phone ? maskPhone(n.phone) : null,
          status: n.status,
          attempts: n.attempts,
          lastError: n.lastError,
          provider: n.provider,
          createdAt: n.createdAt,
          sentAt: n.sentAt,
          deliveredAt: n.deliveredAt,
          readAt: n.readAt,
        })),
        total: result.total,
        page,
        pageSize,
      };
    },
  );

  app.post(
    '/api/notifications/provider-callback',
    {
      // The gateway as a machine client (scope notifications.callback), or with the shared secret
      // SMS_CALLBACK_SECRET in x-himoya-callback-secret.
      config: {
        access: {
          action: 'notifications.callback',
          sharedSecret: { header: CALLBACK_SECRET_HEADER, value: () => config.SMS_CALLBACK_SECRET },
        },
      },
      schema: {
        tags: TAGS,
        summary: "The SMS gateway's delivery report (idempotent)",
        body: DeliveryReport,
        response: { 200: z.object({ id: z.uuid(), status: Status }) },
      },
    },
    async (request) => {
      const updated = await notifications.applyDeliveryReport(db, request.body);
      return { id: updated.id, status: updated.status };
    },
  );
};
