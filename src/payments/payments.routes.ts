import { z } from 'zod';
import { actorIn, authorizeHousehold, ownHouseholdIds, scopeFor } from '../access/access.plugin.ts';
import type { Actor } from '../access/actor.ts';
import { auditFromRequest } from '../audit/audit.service.ts';
import { DomainError } from '../platform/errors.ts';
import { offsetOf, PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { csvDocument } from '../shared/csv.ts';
import { CalendarMonth as Month } from '../shared/date-schemas.ts';
import { maskAccountNumber } from './bank-file/mask.ts';
import * as batchRepo from './batch.repository.ts';
import * as batches from './batch.service.ts';
import { householdHistory, rejectedPayments } from './history.repository.ts';
import * as holds from './hold.service.ts';
import { paymentSettings } from './payments.settings.ts';
import { buildPayrolls } from './payroll.service.ts';
import { reconcileBatches, reconcileByMonth, runSummaries } from './reconciliation.repository.ts';

const TAGS = ['payments'];
const IdParams = z.object({
  id: z.coerce.number().int().positive(),
});
const HouseholdParams = z.object({ id: z.uuid() });

const Programme = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,60}$/)
  .describe('A programme id (GET /api/programmes)');

const RunView = z.object({
  id: z.number().int(),
  month: z.string(),
  programme: z.string(),
  builtAt: z.date(),
  lines: z.number().int(),
  total: z.number().int().describe("So'm, positive lines"),
  heldLines: z.number().int(),
  heldTotal: z.number().int(),
  batches: z.number().int(),
  batchTotal: z.number().int(),
});

const BatchView = z.object({
  id: z.number().int(),
  reference: z.string(),
  month: z.string(),
  programme: z.string(),
  bankCode: z.string(),
  districtCode: z.string(),
  lines: z.number().int(),
  total: z.number().int(),
  approvalsRequired: z.number().int(),
  approvals: z.number().int(),
  approvedByMe: z.boolean(),
  status: z.enum(['awaiting_approval', 'approved', 'sent', 'partly_answered', 'answered']),
  exportedAt: z.date().nullable(),
  paid: z.number().int(),
  rejected: z.number().int(),
});

function batchView(row: batchRepo.BatchRow, actor: Actor): z.infer<typeof BatchView> {
  return {
    id: row.id,
    reference: row.reference,
    month: row.month,
    programme: row.programme,
    bankCode: row.bankCode,
    districtCode: row.districtCode,
    lines: row.lines,
    total: row.total,
    approvalsRequired: row.approvalsRequired,
    approvals: row.approvedBy.length,
    approvedByMe: actor.kind === 'staff' && row.approvedBy.includes(actor.id),
    status: batches.statusOf(row),
    exportedAt: row.exportedAt,
    paid: row.paid,
    rejected: row.rejected,
  };
}

const Som = z.number().int().describe("So'm");
const ReconciliationView = z.object({
  months: z.array(
    z.object({
      month: z.string(),
      programme: z.string(),
      lines: z.number().int(),
      entitled: Som,
      paid: Som,
      rejected: Som,
      pending: Som,
      held: Som,
      recoverable: Som.describe('Overpaid amounts a later decision took back, to recover'),
      balanced: z.boolean().describe('entitled = paid + rejected + pending + held'),
    }),
  ),
  batches: z.array(
    z.object({
      batchId: z.number().int(),
      reference: z.string(),
      month: z.string(),
      programme: z.string(),
      bankCode: z.string(),
      districtCode: z.string(),
      lines: z.number().int(),
      sent: Som,
      paid: Som,
      rejected: Som,
      pending: Som,
      balanced: z.boolean().describe('sent = paid + rejected + pending'),
    }),
  ),
});

const HistoryItem = z.object({
  programme: z.string(),
  month: z.string().describe('The benefit month paid'),
  kind: z.enum(['regular', 'arrears', 'correction']),
  amount: z.number().int(),
  status: z.enum(['paid', 'pending', 'rejected', 'held', 'recoverable']),
  answeredAt: z.date().nullable(),
  rejectionReason: z.string().nullable(),
  heldReason: z.string().nullable(),
  account: z.string().nullable().describe('Masked: the first and last four digits only'),
  bankCode: z.string().nullable(),
  decision: z.object({ id: z.number().int(), month: z.string(), kind: z.string() }),
});

function staffOf(request: Parameters<typeof actorIn>[0]): Actor & { kind: 'staff' } {
  const actor = actorIn(request);
  if (actor.kind !== 'staff') throw new DomainError('FORBIDDEN', { reason: 'staff only' });
  return actor;
}

export const paymentRoutes: HttpPlugin = (app, { database, config }) => {
  const { db } = database;
  const settings = paymentSettings(config);
  // Bank result files arrive as they are: bytes, checked whole by the parser (src/payments/bank-file).
  for (const type of ['text/csv', 'application/octet-stream']) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    }
  }

  app.get(
    '/api/payments/runs',
    {
      config: { access: { action: 'payments.manage' } },
      schema: {
        tags: TAGS,
        summary: 'Payroll runs: lines, totals, held lines and batches of each month and programme',
        querystring: z.object({ month: Month.optional(), programme: Programme.optional() }),
        response: { 200: z.object({ items: z.array(RunView) }) },
      },
    },
    async (request) => ({ items: await runSummaries(db, request.query) }),
  );

  app.post(
    '/api/payments/runs',
    {
      config: { access: { action: 'payments.manage' } },
      schema: {
        tags: TAGS,
        summary:
          "Build the month's payroll of every monthly programme (or one); a built month is returned as is",
        body: z.object({ month: Month, programme: Programme.optional() }),
        response: { 200: z.object({ items: z.array(RunView.extend({ created: z.boolean() })) }) },
      },
    },
    async (request) => {
      const actor = staffOf(request);
      const built = await buildPayrolls(db, {
        month: request.body.month,
        programme: request.body.programme,
        builtBy: `staff:${actor.id}`,
        fourEyesAbove: settings.fourEyesAbove,
      });
      return { items: built.map(({ run, created }) => ({ ...run, created })) };
    },
  );

  app.get(
    '/api/payments/batches',
    {
      config: { access: { action: 'payments.manage' } },
      schema: {
        tags: TAGS,
        summary: 'Payment batches (one per run, bank and district), newest month first',
        querystring: PageQuery.extend({ month: Month.optional(), programme: Programme.optional() }),
        response: { 200: pageOf(BatchView) },
      },
    },
    async (request) => {
      const actor = actorIn(request);
      const scope = await scopeFor(request, db, 'payments.manage');
      const filter = { month: request.query.month, programme: request.query.programme, scope };
      const [rows, total] = await Promise.all([
        batchRepo.listBatches(db, {
          ...filter,
          limit: request.query.pageSize,
          offset: offsetOf(request.query),
        }),
        batchRepo.countBatches(db, filter),
      ]);
      return {
        items: rows.map((r) => batchView(r, actor)),
        total,
        page: request.query.page,
        pageSize: request.query.pageSize,
      };
    },
  );

  app.get(
    '/api/payments/batches/:id',
    {
      config: { access: { action: 'payments.manage' } },
      schema: { tags: TAGS, summary: 'One payment batch', params: IdParams, response: { 200: BatchView } },
    },
    async (request) => {
      const actor = actorIn(request);
      return batchView(await batches.loadBatch(db, actor, request.params.id, 'payments.manage'), actor);
    },
  );

  app.post(
    '/api/payments/batches/:id/approve',
    {
      config: { access: { action: 'payments.manage' } },
      schema: {
        tags: TAGS,
        summary:
          'Approve a batch (a second, different finance officer confirms one above the four-eyes limit)',
        params: IdParams,
        response: { 200: BatchView },
      },
    },
    async (request) => {
      const actor = staffOf(request);
      const after = await batches.approveBatch(db, actor, request.params.id);
      return batchView(after, actor);
    },
  );

  app.get(
    '/api/payments/batches/:id/file',
    {
      config: { access: { action: 'payments.manage' } },
      schema: {
        tags: TAGS,
        summary: "The approved batch's bank file (CSV: header, one line per payment, trailer with SHA-256)",
        description: 'The only place account numbers appear in full. Every download gives the same bytes.',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const actor = staffOf(request);
      const file = await db.transaction().execute(async (trx) => {
        const exported = await batches.exportBatch(trx, actor, request.params.id);
        await auditFromRequest(trx, request, {
          action: 'export',
          resourceType: 'payment_batch',
          resourceId: exported.batch.reference,
          fields: ['bank_file'],
        });
        return exported;
      });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('x-file-sha256', file.sha256)
        .send(file.text);
    },
  );

  app.post(
    '/api/payments/batches/:id/results',
    {
      config: { access: { action: 'payments.manage' } },
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        tags: TAGS,
        summary: "Import the bank's result file for a sent batch: applied whole or refused whole",
        description: 'Send the file as text/csv. The same file again applies nothing (applied: false).',
        params: IdParams,
        response: {
          200: z.object({
            applied: z.boolean(),
            lines: z.number().int(),
            paid: z.number().int(),
            rejected: z.number().int(),
            holdsOpened: z.number().int(),
            batch: BatchView,
          }),
        },
      },
    },
    async (request) => {
      const actor = staffOf(request);
      const body = request.body;
      const bytes =
        typeof body === 'string'
          ? new TextEncoder().encode(body)
          : body instanceof Uint8Array
            ? body
            : new Uint8Array();
      const result = await batches.importResults(db, actor, request.params.id, bytes);
      return { ...result, batch: batchView(result.batch, actor) };
    },
  );

  const ReconciliationQuery = z.object({ month: Month.optional(), programme: Programme.optional() });

  app.get(
    '/api/payments/reconciliation',
    {
      config: { access: { action: 'payments.manage' } },
      schema: {
        tags: TAGS,
        summary:
          "Entitled = paid + rejected + pending + held, to the so'm, per month and programme, and per batch",
        description: "Within the officer's areas.",
        querystring: ReconciliationQuery,
        response: { 200: ReconciliationView },
      },
    },
    async (request) => {
      const scope = await scopeFor(request, db, 'payments.manage');
      const filter = { ...request.query, scope };
      const [months, batchesOf] = await Promise.all([
        reconcileByMonth(db, filter),
        reconcileBatches(db, filter),
      ]);
      return {
        months: months.map((m) => ({
          ...m,
          balanced: m.entitled === m.paid + m.rejected + m.pending + m.held,
        })),
        batches: batchesOf.map((b) => ({ ...b, balanced: b.sent === b.paid + b.rejected + b.pending })),
      };
    },
  );

  app.get(
    '/api/payments/reconciliation.csv',
    {
      config: { access: { action: 'payments.manage' } },
      schema: {
        tags: TAGS,
        summary: 'The reconciliation per month and programme as CSV (within your areas)',
        querystring: ReconciliationQuery,
      },
    },
    async (request, reply) => {
      const scope = await scopeFor(request, db, 'payments.manage');
      const months = await reconcileByMonth(db, { ...request.query, scope });
      const header = [
        'month',
        'programme',
        'lines',
        'entitled',
        'paid',
        'rejected',
        'pending',
        'held',
        'recoverable',
      ];
      const rows = months.map((m) => [
        m.month,
        m.programme,
        m.lines,
        m.entitled,
        m.paid,
        m.rejected,
        m.pending,
        m.held,
        m.recoverable,
      ]);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="reconciliation.csv"')
        .send(csvDocument(header, rows));
    },
  );

  app.get(
    '/api/households/:id/payments',
    {
      config: { access: { action: 'payments.read' } },
      schema: {
        tags: TAGS,
        summary:
          "A household's payments: what, for which month, when, to which masked account, on which decision",
        params: HouseholdParams,
        response: { 200: z.object({ items: z.array(HistoryItem) }) },
      },
    },
    async (request) => {
      await authorizeHousehold(request, db, 'payments.read', request.params.id);
      const rows = await householdHistory(db, request.params.id);
      await auditFromRequest(db, request, {
        action: 'read',
        resourceType: 'household',
        resourceId: request.params.id,
        fields: ['payments'],
      });
      return { items: rows.map(historyItem) };
    },
  );

  app.get(
    '/api/me/payments',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: "My household's payments (signed-in citizen)",
        response: { 200: z.object({ items: z.array(HistoryItem) }) },
      },
    },
    async (request) => {
      const [householdId] = await ownHouseholdIds(request, db);
      if (!householdId) return { items: [] };
      return { items: (await householdHistory(db, householdId)).map(historyItem) };
    },
  );

  app.get(
    '/api/payments/rejected',
    {
      config: { access: { action: 'payments.read' } },
      schema: {
        tags: TAGS,
        summary:
          'Payments the bank rejected and nothing has paid since, in my areas (the social worker’s list)',
        querystring: PageQuery,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                householdId: z.uuid(),
                mahallaCode: z.string(),
                headName: z.string(),
                programme: z.string(),
                month: z.string(),
                amount: z.number().int(),
                reason: z.string(),
                rejectedAt: z.date(),
                account: z.string(),
              }),
            ),
            page: z.number(),
            pageSize: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const scope = await scopeFor(request, db, 'payments.read');
      const rows = await rejectedPayments(db, scope, {
        limit: request.query.pageSize,
        offset: offsetOf(request.query),
      });
      return {
        items: rows.map(({ accountNumber, ...r }) => ({ ...r, account: maskAccountNumber(accountNumber) })),
        page: request.query.page,
        pageSize: request.query.pageSize,
      };
    },
  );

  app.post(
    '/api/households/:id/payment-holds',
    {
      config: { access: { action: 'payments.hold' } },
      schema: {
        tags: TAGS,
        summary: "Stop a household's payments while a suspected fraud or a data mismatch is looked into",
        params: HouseholdParams,
        body: z.object({ reason: z.enum(['fraud_suspected', 'data_mismatch']) }),
        response: { 200: holds.HoldView, 201: holds.HoldView },
      },
    },
    async (request, reply) => {
      const actor = staffOf(request);
      await authorizeHousehold(request, db, 'payments.hold', request.params.id);
      const { hold, created } = await holds.openHold(db, {
        householdId: request.params.id,
        reason: request.body.reason,
        by: `staff:${actor.id}`,
      });
      return reply.status(created ? 201 : 200).send(hold);
    },
  );

  app.post(
    '/api/households/:id/payment-holds/:holdId/close',
    {
      config: { access: { action: 'payments.hold' } },
      schema: {
        tags: TAGS,
        summary: 'Lift a hold: the next payroll sends what waited',
        params: HouseholdParams.extend({
          holdId: z.coerce.number().int().positive(),
        }),
        response: { 200: holds.HoldView },
      },
    },
    async (request) => {
      const actor = staffOf(request);
      await authorizeHousehold(request, db, 'payments.hold', request.params.id);
      return holds.closeHold(db, {
        householdId: request.params.id,
        holdId: request.params.holdId,
        by: `staff:${actor.id}`,
      });
    },
  );
};

function historyItem(row: Awaited<ReturnType<typeof householdHistory>>[number]): z.infer<typeof HistoryItem> {
  return {
    programme: row.programme,
    month: row.month,
    kind: row.kind,
    amount: row.amount,
    status: row.status,
    answeredAt: row.answeredAt,
    rejectionReason: row.rejectionReason,
    heldReason: row.heldReason,
    account: row.accountNumber ? maskAccountNumber(row.accountNumber) : null,
    bankCode: row.bankCode,
    decision: { id: row.decisionId, month: row.decisionMonth, kind: row.decisionKind },
  };
}
