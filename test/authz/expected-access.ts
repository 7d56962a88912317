import { randomUUID } from 'node:crypto';
import type { RoleName, World } from './fixtures.ts';
import { MATRIX_CALLBACK, MONTH } from './fixtures.ts';

/**
 * THE authorisation matrix: every route, every role, a record inside and outside the role's area.
 *
 * Each row's `expect` has one letter per role, in the order of ROLE_NAMES: eleven people
 *   anonymous, citizen, social_worker, district_officer, disability_assessor, commission_member,
 *   youth_officer, regional_admin, auditor, vendor, finance
 * then, after a space, seven machine clients, each holding one OAuth2 scope only (MACHINE_SCOPES):
 *   registry.read, dci.search, dci.subscribe, events.push, events.push:any, intake.submit,
 *   notifications.callback
 * and the letter says what the role may do:
 *   A  allowed inside and outside its areas (public routes, lists that the SQL narrows, own data)
 *   I  allowed inside its areas only (outside: 403 FORBIDDEN)
 *   -  refused (anonymous: 401 UNAUTHENTICATED; anyone else: 403)
 * "Inside" is the citizen's own household, the social worker's mahalla, the district roles' district and
 * the region of the region roles; "outside" is a household of another district for the citizen and the
 * mahalla and district roles, and of another region for the region roles and the machine clients.
 *
 * Identifiers in a body are as untrusted as those in a URL: variant rows (`'<route> #what'`) send the
 * caller's own context (mahalla, household) together with one identifier of the case under test, which
 * for "outside" belongs to another area (an existing household's id in a creation, a person of another
 * family). And every error answer, allowed or refused, must name no identifier the request did not.
 *
 * `request` makes the request against a case (a household with one record of every kind). Allowed means
 * anything but those refusals: a 404 or a 409 of an allowed caller is the route's business, not access.
 * A route missing from this table fails the test, so a new route cannot ship without its row.
 */

export interface Target {
  householdId: string;
  headId: string;
  headPinfl: string;
  childId: string;
  decisionId: number;
  changeRequestId: string;
  pendingOverrideId: string;
  appealId: string;
  applicationId: string;
  duplicateId: number;
  caseId: string;
  mahallaCode: string;
  world: World;
}

export interface MatrixRequest {
  url: string;
  payload?: Record<string, unknown>;
}

export interface MatrixRow {
  expect: string;
  request: (t: Target) => MatrixRequest;
}

const get = (url: string) => (): MatrixRequest => ({ url });
const id = () => randomUUID();
const PUBLIC = 'AAAAAAAAAAA AAAAAAA';
const CITIZEN_ONLY = '-A--------- -------';
/** The administration: regional administrators only (A), or only inside their region (I). */
const ADMIN_ONLY = '-------A--- -------';
const ADMIN_INSIDE = '-------I--- -------';
/** Payrolls, batches and bank files: finance officers only. */
const FINANCE_ONLY = '----------A -------';
/** The smallest PNG: a file that is what it says it is. */
const TINY_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export const EXPECTED_ACCESS: Record<string, MatrixRow> = {
  // Public: the platform, the territory, sign-in and the demo identity provider.
  'GET /health': { expect: PUBLIC, request: get('/health') },
  'GET /': { expect: PUBLIC, request: get('/') },
  'GET /login': { expect: PUBLIC, request: get('/login') },
  'GET /assets/*': { expect: PUBLIC, request: get('/assets/none.js') },
  'GET /*': { expect: PUBLIC, request: get('/citizen/household') },
  'GET /openapi.json': { expect: PUBLIC, request: get('/openapi.json') },
  'GET /api/territory/regions': { expect: PUBLIC, request: get('/api/territory/regions') },
  'GET /api/territory/regions/:code/districts': {
    expect: PUBLIC,
    request: get('/api/territory/regions/1733/districts'),
  },
  'GET /api/territory/districts/:code/mahallas': {
    expect: PUBLIC,
    request: (t) => ({ url: `/api/territory/districts/${t.world.districtA}/mahallas` }),
  },
  'GET /api/programmes': { expect: PUBLIC, request: get('/api/programmes?lang=ru') },
  'POST /auth/login': {
    expect: PUBLIC,
    request: () => ({ url: '/auth/login', payload: { username: 'x', password: 'y' } }),
  },
  'POST /auth/logout': { expect: PUBLIC, request: () => ({ url: '/auth/logout' }) },
  'GET /auth/session': { expect: PUBLIC, request: get('/auth/session') },
  'GET /auth/demo-accounts': { expect: PUBLIC, request: get('/auth/demo-accounts') },
  'GET /auth/citizen/login': { expect: PUBLIC, request: get('/auth/citizen/login') },
  'GET /auth/citizen/callback': { expect: PUBLIC, request: get('/auth/citizen/callback?code=x&state=y') },
  'POST /auth/token': {
    expect: PUBLIC,
    request: () => ({ url: '/auth/token', payload: { grant_type: 'password' } }),
  },
  'GET /demo-idp/.well-known/openid-configuration': {
    expect: PUBLIC,
    request: get('/demo-idp/.well-known/openid-configuration'),
  },
  'GET /demo-idp/jwks': { expect: PUBLIC, request: get('/demo-idp/jwks') },
  'GET /demo-idp/authorize': { expect: PUBLIC, request: get('/demo-idp/authorize') },
  'POST /demo-idp/authorize': {
    expect: PUBLIC,
    request: () => ({ url: '/demo-idp/authorize', payload: {} }),
  },
  'POST /demo-idp/token': { expect: PUBLIC, request: () => ({ url: '/demo-idp/token', payload: {} }) },
  // One's own second factor: staff accounts only.
  'POST /auth/totp/enrol': {
    expect: '--AAAAAAAAA -------',
    request: () => ({ url: '/auth/totp/enrol', payload: {} }),
  },
  'POST /auth/totp/confirm': {
    expect: '--AAAAAAAAA -------',
    request: () => ({ url: '/auth/totp/confirm', payload: { code: '000000' } }),
  },
  'PUT /auth/language': {
    expect: '--AAAAAAAAA -------',
    request: () => ({ url: '/auth/language', payload: { language: 'ru' } }),
  },

  // The Social Registry.
  'GET /api/registry/summary': { expect: '-AAAAAAAA-- A------', request: get('/api/registry/summary') },
  'GET /api/households': { expect: '-AAAAAAAA-- A------', request: get('/api/households') },
  'GET /api/households/export.csv': {
    expect: '-AAAAAAAA-- A------',
    request: get('/api/households/export.csv'),
  },
  'GET /api/households/:id': {
    expect: '-IIIIIIII-- I------',
    request: (t) => ({ url: `/api/households/${t.householdId}?purpose=casework` }),
  },
  // What a screen may offer on the household (no personal data): whoever may open the record.
  'GET /api/households/:id/access': {
    expect: '-IIIIIIII-- I------',
    request: (t) => ({ url: `/api/households/${t.householdId}/access` }),
  },
  'POST /api/households': {
    expect: '--II---I--- -------',
    request: (t) => ({
      url: '/api/households',
      payload: {
        id: id(),
        mahallaCode: t.mahallaCode,
        address: 'Matrix street 2',
        createdOn: '2024-01-01',
        head: { lastName: 'Matritsa', firstName: 'Ali', sex: 'M', birthDate: '1990-01-01' },
      },
    }),
  },
  // A creation with the id of an existing household: never hands that household back (finding: a
  // citizen or worker read any family's record by posting its id with their own mahalla).
  'POST /api/households #existing id': {
    expect: '--II---I--- -------',
    request: (t) => ({
      url: '/api/households',
      payload: {
        id: t.householdId,
        mahallaCode: t.world.inside.mahallaCode,
        address: 'Matrix street 3',
        createdOn: '2024-01-01',
        head: { lastName: 'Matritsa', firstName: 'Vali', sex: 'M', birthDate: '1991-01-01' },
      },
    }),
  },
  'POST /api/households #head from another family': {
    expect: '--II---I--- -------',
    request: (t) => ({
      url: '/api/households',
      payload: {
        id: id(),
        mahallaCode: t.world.inside.mahallaCode,
        address: 'Matrix street 4',
        createdOn: '2024-01-01',
        head: { personId: t.childId },
      },
    }),
  },
  'GET /api/persons': { expect: '-AAAAAAAA-- A------', request: get('/api/persons') },
  'GET /api/persons/:id': {
    expect: '-IIIIIIII-- I------',
    request: (t) => ({ url: `/api/persons/${t.headId}?purpose=casework` }),
  },
  'POST /api/change-requests': {
    expect: '-III---I--- -------',
    request: (t) => ({
      url: '/api/change-requests',
      payload: {
        id: id(),
        type: 'correct_personal_data',
        personId: t.headId,
        changes: { phone: '+998907654321' },
        effectiveDate: '2026-02-01',
      },
    }),
  },
  'POST /api/change-requests #member from another family': {
    expect: '-III---I--- -------',
    request: (t) => ({
      url: '/api/change-requests',
      payload: {
        id: id(),
        type: 'add_member',
        householdId: t.world.inside.householdId,
        person: { personId: t.childId },
        relationship: 'child',
        effectiveDate: '2026-02-01',
      },
    }),
  },
  'POST /api/change-requests #merge another family in': {
    expect: '-III---I--- -------',
    request: (t) => ({
      url: '/api/change-requests',
      payload: {
        id: id(),
        type: 'merge_households',
        householdId: t.world.inside.householdId,
        sourceHouseholdId: t.householdId,
        effectiveDate: '2026-02-01',
      },
    }),
  },
  // A retry with another area's request id: answered 409 without anything of that request.
  'POST /api/change-requests #existing id': {
    expect: '-AAA---A--- -------',
    request: (t) => ({
      url: '/api/change-requests',
      payload: {
        id: t.changeRequestId,
        type: 'correct_personal_data',
        personId: t.world.inside.headId,
        changes: { phone: '+998907654300' },
        effectiveDate: '2026-02-01',
      },
    }),
  },
  // Report a mistake in a fact (issue 12, point 8): the household in the body is the resource.
  'POST /api/change-requests/fact-contests': {
    expect: '-III---I--- -------',
    request: (t) => ({
      url: '/api/change-requests/fact-contests',
      payload: {
        id: id(),
        householdId: t.householdId,
        fact: 'income',
        personId: t.headId,
        comment: 'Matrix: this income is not ours',
      },
    }),
  },
  // The caller's own person with the case's household: judged by the household alone.
  'POST /api/change-requests/fact-contests #own person, case household': {
    expect: '-III---I--- -------',
    request: (t) => ({
      url: '/api/change-requests/fact-contests',
      payload: {
        id: id(),
        householdId: t.householdId,
        fact: 'vehicle',
        personId: t.world.inside.headId,
        comment: 'Matrix: we have no car',
      },
    }),
  },
  // A retry with another area's request id: 409, without anything of that request.
  'POST /api/change-requests/fact-contests #existing id': {
    expect: '-AAA---A--- -------',
    request: (t) => ({
      url: '/api/change-requests/fact-contests',
      payload: {
        id: t.changeRequestId,
        householdId: t.world.inside.householdId,
        fact: 'income',
        comment: 'Matrix: retry',
      },
    }),
  },
  'GET /api/change-requests': { expect: '-AAA---A--- -------', request: get('/api/change-requests') },
  'GET /api/change-requests/count': {
    expect: '-AAA---A--- -------',
    request: get('/api/change-requests/count?status=pending'),
  },
  'GET /api/change-requests/:id': {
    expect: '-III---I--- -------',
    request: (t) => ({ url: `/api/change-requests/${t.changeRequestId}` }),
  },
  'POST /api/change-requests/:id/apply': {
    expect: '---I---I--- -------',
    request: (t) => ({ url: `/api/change-requests/${t.changeRequestId}/apply` }),
  },
  'POST /api/change-requests/:id/reject': {
    expect: '---I---I--- -------',
    request: (t) => ({
      url: `/api/change-requests/${t.changeRequestId}/reject`,
      payload: { reason: 'matrix' },
    }),
  },
  'GET /api/duplicates': { expect: '---A---A--- -------', request: get('/api/duplicates') },
  'GET /api/duplicates/count': { expect: '---A---A--- -------', request: get('/api/duplicates/count') },
  // The scan reads the whole registry: region-wide reviewers only.
  'POST /api/duplicates/scan': {
    expect: '-------A--- -------',
    request: () => ({ url: '/api/duplicates/scan' }),
  },
  'GET /api/duplicates/scans/:jobId': {
    expect: '---A---A--- -------',
    request: get(`/api/duplicates/scans/${id()}`),
  },
  'POST /api/duplicates/:id/review': {
    expect: '---I---I--- -------',
    request: (t) => ({ url: `/api/duplicates/${t.duplicateId}/review`, payload: { decision: 'distinct' } }),
  },

  // Decisions, evaluations, simulations.
  'GET /api/decisions': { expect: '-AAAAAAAA-- -------', request: get('/api/decisions') },
  'GET /api/decisions/:id': {
    expect: '-IIIIIIII-- -------',
    request: (t) => ({ url: `/api/decisions/${t.decisionId}` }),
  },
  'GET /api/households/:id/entitlements': {
    expect: '-IIIIIIII-- -------',
    request: (t) => ({ url: `/api/households/${t.householdId}/entitlements` }),
  },
  'GET /api/evaluations/:id': {
    expect: '-AAAAAAAA-- -------',
    request: (t) => ({ url: `/api/evaluations/${t.world.evaluationRunId}` }),
  },
  'POST /api/evaluations': {
    expect: '-------A--- -------',
    request: () => ({ url: '/api/evaluations', payload: { month: MONTH } }),
  },
  'POST /api/households/:id/evaluate': {
    expect: '---I---I--- -------',
    request: (t) => ({ url: `/api/households/${t.householdId}/evaluate`, payload: { month: MONTH } }),
  },
  'POST /api/simulations': {
    expect: '-------AA-- -------',
    request: () => ({
      url: '/api/simulations',
      payload: { month: MONTH, changes: [{ parameter: 'common.mce', factor: 1.1 }] },
    }),
  },

  // Casework: overrides (four eyes), appeals, applications.
  'POST /api/overrides': {
    expect: '---I---I--- -------',
    request: (t) => ({
      url: '/api/overrides',
      payload: {
        id: id(),
        householdId: t.householdId,
        programme: 'material_assistance',
        month: MONTH,
        amount: 1000,
        reason: 'matrix',
        legalBasis: 'matrix',
      },
    }),
  },
  // Retries with another area's ids: 409 *_ID_REUSED, nothing of the stored record.
  'POST /api/overrides #existing id': {
    expect: '---A---A--- -------',
    request: (t) => ({
      url: '/api/overrides',
      payload: {
        id: t.pendingOverrideId,
        householdId: t.world.inside.householdId,
        programme: 'material_assistance',
        month: MONTH,
        amount: 2000,
        reason: 'matrix',
        legalBasis: 'matrix',
      },
    }),
  },
  'GET /api/overrides': { expect: '---A---A--- -------', request: get('/api/overrides') },
  'GET /api/overrides/count': {
    expect: '---A---A--- -------',
    request: get('/api/overrides/count?status=pending'),
  },
  'GET /api/overrides/:id': {
    expect: '---I---I--- -------',
    request: (t) => ({ url: `/api/overrides/${t.pendingOverrideId}` }),
  },
  'POST /api/overrides/:id/approve': {
    expect: '---I---I--- -------',
    request: (t) => ({ url: `/api/overrides/${t.pendingOverrideId}/approve`, payload: {} }),
  },
  'POST /api/overrides/:id/reject': {
    expect: '---I---I--- -------',
    request: (t) => ({ url: `/api/overrides/${t.pendingOverrideId}/reject`, payload: {} }),
  },
  'POST /api/appeals': {
    expect: '-I-I------- -------',
    request: (t) => ({
      url: '/api/appeals',
      payload: { id: id(), decisionId: t.decisionId, grounds: 'matrix' },
    }),
  },
  'POST /api/appeals #existing id': {
    expect: '-A-A------- -------',
    request: (t) => ({
      url: '/api/appeals',
      payload: { id: t.appealId, decisionId: t.world.inside.decisionId, grounds: 'matrix again' },
    }),
  },
  'GET /api/appeals': { expect: '-A-A---A--- -------', request: get('/api/appeals') },
  'GET /api/appeals/count': { expect: '-A-A---A--- -------', request: get('/api/appeals/count?open=true') },
  'GET /api/appeals/:id': {
    expect: '-I-I---I--- -------',
    request: (t) => ({ url: `/api/appeals/${t.appealId}` }),
  },
  'POST /api/appeals/:id/transition': {
    expect: '---I---I--- -------',
    request: (t) => ({ url: `/api/appeals/${t.appealId}/transition`, payload: { to: 'under_review' } }),
  },
  'POST /api/applications': {
    expect: '-III------- -------',
    request: (t) => ({
      url: '/api/applications',
      payload: {
        id: id(),
        householdId: t.householdId,
        programme: 'child_allowance',
        channel: 'portal',
        submittedOn: '2026-03-06',
      },
    }),
  },
  'POST /api/applications #existing id': {
    expect: '-AAA------- -------',
    request: (t) => ({
      url: '/api/applications',
      payload: {
        id: t.applicationId,
        householdId: t.world.inside.householdId,
        programme: 'child_allowance',
        channel: 'portal',
        submittedOn: '2026-03-06',
      },
    }),
  },
  'GET /api/applications': { expect: '-AAA---A--- -------', request: get('/api/applications') },
  'GET /api/applications/count': {
    expect: '-AAA---A--- -------',
    request: get('/api/applications/count?open=true'),
  },
  'GET /api/applications/:id': {
    expect: '-III---I--- -------',
    request: (t) => ({ url: `/api/applications/${t.applicationId}` }),
  },
  'POST /api/applications/:id/questionnaire': {
    expect: '--II------- -------',
    request: (t) => ({ url: `/api/applications/${t.applicationId}/questionnaire`, payload: {} }),
  },
  'POST /api/applications/:id/mahalla-opinion': {
    expect: '--II------- -------',
    request: (t) => ({
      url: `/api/applications/${t.applicationId}/mahalla-opinion`,
      payload: { supports: true },
    }),
  },
  'POST /api/applications/:id/decide': {
    expect: '---I---I--- -------',
    request: (t) => ({ url: `/api/applications/${t.applicationId}/decide`, payload: {} }),
  },

  // The audit trail (auditors and the regional administration) and the citizen's own data.
  'GET /api/audit/entries': { expect: '-------AA-- -------', request: get('/api/audit/entries') },
  'GET /api/audit/verify': { expect: '-------AA-- -------', request: get('/api/audit/verify') },
  'GET /api/audit/entries/:seq/proof': {
    expect: '-------AA-- -------',
    request: get('/api/audit/entries/1/proof'),
  },
  'GET /api/me/access-log': { expect: CITIZEN_ONLY, request: get('/api/me/access-log') },
  'POST /api/me/access-log/:seq/complaints': {
    expect: CITIZEN_ONLY,
    request: () => ({ url: '/api/me/access-log/1/complaints', payload: { id: id(), text: 'matrix' } }),
  },
  'GET /api/me/access-complaints': { expect: CITIZEN_ONLY, request: get('/api/me/access-complaints') },
  'GET /api/me/consents': { expect: CITIZEN_ONLY, request: get('/api/me/consents') },
  'POST /api/me/consents': {
    expect: CITIZEN_ONLY,
    request: () => ({ url: '/api/me/consents', payload: { kind: 'proactive_offers', counterpart: '*' } }),
  },
  'POST /api/me/consents/:id/withdraw': {
    expect: CITIZEN_ONLY,
    request: () => ({ url: `/api/me/consents/${id()}/withdraw` }),
  },

  // The public key Himoya signs its DCI messages with: anyone may read it.
  'GET /dci/.well-known/jwks.json': { expect: PUBLIC, request: get('/dci/.well-known/jwks.json') },

  // The DCI Social Registry API (src/dci): machine clients only (staff and citizens 403, anonymous 401).
  // Region-wide agency clients are let through and their results narrowed in SQL. The matrix's client
  // lacks the dci.search / dci.subscribe scopes, which the standard's own 403 (err.request.forbidden in
  // the DCI shape, not the catalogue's) answers: counted here as past Himoya's access rules; the scope
  // refusal is tested in src/dci/dci.test.ts.
  'POST /dci/registry/sync/search': {
    expect: '----------- -A-----',
    request: () => ({ url: '/dci/registry/sync/search' }),
  },
  'POST /dci/registry/search': {
    expect: '----------- -A-----',
    request: () => ({ url: '/dci/registry/search' }),
  },
  'POST /dci/registry/sync/txn/status': {
    expect: '----------- -AA----',
    request: () => ({ url: '/dci/registry/sync/txn/status' }),
  },
  'POST /dci/registry/txn/status': {
    expect: '----------- -AA----',
    request: () => ({ url: '/dci/registry/txn/status' }),
  },
  'POST /dci/registry/subscribe': {
    expect: '----------- --A----',
    request: () => ({ url: '/dci/registry/subscribe' }),
  },
  'POST /dci/registry/unsubscribe': {
    expect: '----------- --A----',
    request: () => ({ url: '/dci/registry/unsubscribe' }),
  },

  // Notifications: the citizen's portal messages; the outbox for the audit roles (narrowed in SQL).
  'GET /api/me/notifications': { expect: CITIZEN_ONLY, request: get('/api/me/notifications') },
  'POST /api/me/notifications/:id/read': {
    expect: CITIZEN_ONLY,
    request: () => ({ url: `/api/me/notifications/${id()}/read` }),
  },
  'GET /api/notifications': {
    expect: '-------AA-- -------',
    request: get('/api/notifications?status=delivered'),
  },
  // Partners' systems only: the SMS gateway (scope notifications.callback, or its shared secret) and
  // my.gov.uz (scope intake.submit). The matrix's machine client holds neither scope.
  'POST /api/notifications/provider-callback': {
    expect: '----------- ------A',
    request: () => ({
      url: '/api/notifications/provider-callback',
      payload: { messageId: 'matrix', status: 'delivered' },
    }),
  },
  'POST /api/intake/applications': {
    expect: '----------- -----I-',
    request: (t) => ({
      url: '/api/intake/applications',
      payload: {
        id: id(),
        pinfl: t.headPinfl,
        programme: 'child_allowance',
        submittedOn: '2026-03-06',
        consent: { granted: true, at: '2026-03-06T10:00:00+05:00' },
        callbackUrl: `${MATRIX_CALLBACK}/status`,
      },
    }),
  },
  // Inter-agency data exchange (src/integration). Pushing events needs a machine client with the scope
  // 'events.push', which the matrix's agency client does not hold: refused to every role here.
  'POST /integration/events/:agency': {
    expect: '----------- ---AA--',
    request: () => ({ url: '/integration/events/tax', payload: { events: [{ id: 'matrix' }] } }),
  },
  'GET /api/integration/quarantine': {
    expect: '-------AA-- -------',
    request: get('/api/integration/quarantine'),
  },
  'GET /api/integration/status': { expect: '-------AA-- -------', request: get('/api/integration/status') },
  'POST /api/integration/pulls/:agency': {
    expect: '-------A--- -------',
    request: () => ({ url: '/api/integration/pulls/tax' }),
  },

  // Composite services: the cases life events opened.
  'GET /api/cases': { expect: '-AAAAAAAA-- -------', request: get('/api/cases') },
  'GET /api/cases/:id': {
    expect: '-IIIIIIII-- -------',
    request: (t) => ({ url: `/api/cases/${t.caseId}` }),
  },
  'GET /api/me/cases': { expect: CITIZEN_ONLY, request: get('/api/me/cases') },

  // The citizen's own self-service: who I am, my language, my family's offers and my answers.
  'GET /api/me': { expect: CITIZEN_ONLY, request: get('/api/me') },
  'PUT /api/me/language': {
    expect: CITIZEN_ONLY,
    request: () => ({ url: '/api/me/language', payload: { language: 'ru' } }),
  },
  'GET /api/me/offers': { expect: CITIZEN_ONLY, request: get('/api/me/offers') },
  // Another family's decision is answered 404, like a missing one.
  'POST /api/me/offers/:decisionId/accept': {
    expect: CITIZEN_ONLY,
    request: (t) => ({ url: `/api/me/offers/${t.decisionId}/accept` }),
  },
  'POST /api/me/offers/:decisionId/decline': {
    expect: CITIZEN_ONLY,
    request: (t) => ({ url: `/api/me/offers/${t.decisionId}/decline` }),
  },

  // Documents: a family's own uploads; staff read a household's within their areas.
  'POST /api/me/documents': {
    expect: CITIZEN_ONLY,
    request: () => ({
      url: '/api/me/documents',
      payload: { id: id(), filename: 'note.png', contentType: 'image/png', dataBase64: TINY_PNG },
    }),
  },
  'GET /api/me/documents': { expect: CITIZEN_ONLY, request: get('/api/me/documents') },
  'GET /api/me/documents/:id/content': {
    expect: CITIZEN_ONLY,
    request: get(`/api/me/documents/${id()}/content`),
  },
  'GET /api/households/:id/documents': {
    expect: '-IIIIIIII-- I------',
    request: (t) => ({ url: `/api/households/${t.householdId}/documents?purpose=casework` }),
  },
  // Administration (src/administration): regional administrators only, within their region. A new account
  // or client in the case's mahalla is inside or outside the administrator's region; unknown ids are 404.
  'GET /api/admin/accounts': { expect: ADMIN_ONLY, request: get('/api/admin/accounts') },
  'GET /api/admin/accounts/:id': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/accounts/${id()}` }),
  },
  'POST /api/admin/accounts': {
    expect: ADMIN_INSIDE,
    request: (t) => ({
      url: '/api/admin/accounts',
      payload: {
        id: id(),
        username: `matrix-${id().slice(0, 8)}`,
        displayName: 'Matrix',
        password: 'matrix-password-1',
        grants: [
          { role: 'social_worker', area: { kind: 'mahalla', code: t.mahallaCode }, organisation: 'Matrix' },
        ],
      },
    }),
  },
  'PUT /api/admin/accounts/:id/grants': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/accounts/${id()}/grants`, payload: { grants: [] } }),
  },
  'POST /api/admin/accounts/:id/disable': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/accounts/${id()}/disable` }),
  },
  'POST /api/admin/accounts/:id/enable': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/accounts/${id()}/enable` }),
  },
  'POST /api/admin/accounts/:id/reset-totp': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/accounts/${id()}/reset-totp` }),
  },
  'POST /api/admin/accounts/:id/unlock': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/accounts/${id()}/unlock` }),
  },
  'GET /api/admin/clients': { expect: ADMIN_ONLY, request: get('/api/admin/clients') },
  'GET /api/admin/clients/:id': {
    expect: ADMIN_ONLY,
    request: get('/api/admin/clients/matrix-registry-read'),
  },
  'POST /api/admin/clients': {
    expect: ADMIN_INSIDE,
    request: (t) => ({
      url: '/api/admin/clients',
      payload: {
        id: `matrix-${id().slice(0, 8)}`,
        agency: 'Matrix',
        scopes: ['registry.read'],
        area: { kind: 'mahalla', code: t.mahallaCode },
      },
    }),
  },
  'PATCH /api/admin/clients/:id': {
    expect: ADMIN_ONLY,
    request: () => ({ url: '/api/admin/clients/matrix-unknown', payload: { scopes: [] } }),
  },
  'POST /api/admin/clients/:id/rotate-secret': {
    expect: ADMIN_ONLY,
    request: () => ({ url: '/api/admin/clients/matrix-unknown/rotate-secret' }),
  },
  'POST /api/admin/clients/:id/disable': {
    expect: ADMIN_ONLY,
    request: () => ({ url: '/api/admin/clients/matrix-unknown/disable' }),
  },
  'POST /api/admin/clients/:id/enable': {
    expect: ADMIN_ONLY,
    request: () => ({ url: '/api/admin/clients/matrix-unknown/enable' }),
  },
  'GET /api/admin/requests': { expect: ADMIN_ONLY, request: get('/api/admin/requests?status=pending') },
  'GET /api/admin/requests/:id': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/requests/${id()}` }),
  },
  'POST /api/admin/requests/:id/approve': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/requests/${id()}/approve`, payload: {} }),
  },
  'POST /api/admin/requests/:id/reject': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/admin/requests/${id()}/reject`, payload: {} }),
  },

  // The outbox's dead letters (src/outbox): operations data, not a household's record, so not narrowed to
  // an area; phones are masked. No body: the one identifier is the message's, in the URL.
  'GET /api/outbox/dead-letters': { expect: ADMIN_ONLY, request: get('/api/outbox/dead-letters?kind=sms') },
  'GET /api/outbox/dead-letters/count': {
    expect: ADMIN_ONLY,
    request: get('/api/outbox/dead-letters/count'),
  },
  // Counts per kind and state: no message, phone or address in it.
  'GET /api/outbox/state': { expect: ADMIN_ONLY, request: get('/api/outbox/state') },
  'POST /api/outbox/dead-letters/:id/retry': {
    expect: ADMIN_ONLY,
    request: () => ({ url: `/api/outbox/dead-letters/${id()}/retry` }),
  },

  // Payments (src/payments): the finance officer's payroll, batches and bank files; families' payment history
  // for the roles that serve them; holds by district officers and finance. Batch ids that exist nowhere: an
  // allowed caller gets 404, which is the route's business.
  'GET /api/payments/runs': { expect: FINANCE_ONLY, request: get(`/api/payments/runs?month=${MONTH}`) },
  'POST /api/payments/runs': {
    expect: FINANCE_ONLY,
    request: () => ({ url: '/api/payments/runs', payload: { month: MONTH } }),
  },
  'GET /api/payments/batches': { expect: FINANCE_ONLY, request: get('/api/payments/batches') },
  'GET /api/payments/batches/:id': { expect: FINANCE_ONLY, request: get('/api/payments/batches/987654321') },
  'POST /api/payments/batches/:id/approve': {
    expect: FINANCE_ONLY,
    request: () => ({ url: '/api/payments/batches/987654321/approve' }),
  },
  'GET /api/payments/batches/:id/file': {
    expect: FINANCE_ONLY,
    request: get('/api/payments/batches/987654321/file'),
  },
  'POST /api/payments/batches/:id/results': {
    expect: FINANCE_ONLY,
    request: () => ({ url: '/api/payments/batches/987654321/results', payload: { file: 'none' } }),
  },
  'GET /api/payments/reconciliation': {
    expect: FINANCE_ONLY,
    request: get(`/api/payments/reconciliation?month=${MONTH}`),
  },
  'GET /api/payments/reconciliation.csv': {
    expect: FINANCE_ONLY,
    request: get(`/api/payments/reconciliation.csv?month=${MONTH}`),
  },
  'GET /api/households/:id/payments': {
    expect: '-III----I-I -------',
    request: (t) => ({ url: `/api/households/${t.householdId}/payments` }),
  },
  'GET /api/me/payments': { expect: CITIZEN_ONLY, request: get('/api/me/payments') },
  'GET /api/payments/rejected': { expect: '-AAA----A-A -------', request: get('/api/payments/rejected') },
  'POST /api/households/:id/payment-holds': {
    expect: '---I------I -------',
    request: (t) => ({
      url: `/api/households/${t.householdId}/payment-holds`,
      payload: { reason: 'data_mismatch' },
    }),
  },
  'POST /api/households/:id/payment-holds/:holdId/close': {
    expect: '---I------I -------',
    request: (t) => ({ url: `/api/households/${t.householdId}/payment-holds/987654321/close` }),
  },
};

/** The route a row is about: its key without a variant's ' #what' suffix. */
export const routeOf = (key: string) => key.split(' #')[0] ?? key;

export const letterOf = (row: MatrixRow, role: RoleName, roles: readonly RoleName[]) => {
  const letters = row.expect.replaceAll(' ', '');
  if (letters.length !== roles.length) throw new Error(`'${row.expect}' has not one letter per role`);
  const letter = letters[roles.indexOf(role)];
  if (letter !== 'A' && letter !== 'I' && letter !== '-') throw new Error(`bad expectation '${row.expect}'`);
  return letter;
};
