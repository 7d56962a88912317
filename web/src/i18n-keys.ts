/**
 * The portal's message keys for the type checker: each namespace's keys are those of its English file, so
 * `t('offers.titel')` or a namespace a page did not ask for fails `tsc -p web`.
 */
import type accessLogMessages from './i18n/accessLog/en.json';
import type adminMessages from './i18n/admin/en.json';
import type appMessages from './i18n/app/en.json';
import type appealsMessages from './i18n/appeals/en.json';
import type applicationsMessages from './i18n/applications/en.json';
import type applyMessages from './i18n/apply/en.json';
import type auditMessages from './i18n/audit/en.json';
import type casesMessages from './i18n/cases/en.json';
import type citizenMessages from './i18n/citizen/en.json';
import type codesMessages from './i18n/codes/en.json';
import type commonMessages from './i18n/common/en.json';
import type contestMessages from './i18n/contest/en.json';
import type decisionsMessages from './i18n/decisions/en.json';
import type documentsMessages from './i18n/documents/en.json';
import type duplicatesMessages from './i18n/duplicates/en.json';
import type homeMessages from './i18n/home/en.json';
import type householdMessages from './i18n/household/en.json';
import type layoutMessages from './i18n/layout/en.json';
import type notificationsMessages from './i18n/notifications/en.json';
import type offersMessages from './i18n/offers/en.json';
import type outboxMessages from './i18n/outbox/en.json';
import type overrideMessages from './i18n/override/en.json';
import type paymentsMessages from './i18n/payments/en.json';
import type recordMessages from './i18n/record/en.json';
import type reportMessages from './i18n/report/en.json';
import type roleMessages from './i18n/role/en.json';
import type roleAwareMessages from './i18n/roleAware/en.json';
import type scopeMessages from './i18n/scope/en.json';
import type searchMessages from './i18n/search/en.json';
import type staffMessages from './i18n/staff/en.json';
import type staffDocsMessages from './i18n/staffDocs/en.json';
import type startMessages from './i18n/start/en.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    nsSeparator: '.';
    keySeparator: '.';
    resources: {
      accessLog: typeof accessLogMessages;
      admin: typeof adminMessages;
      app: typeof appMessages;
      appeals: typeof appealsMessages;
      applications: typeof applicationsMessages;
      apply: typeof applyMessages;
      audit: typeof auditMessages;
      cases: typeof casesMessages;
      citizen: typeof citizenMessages;
      codes: typeof codesMessages;
      common: typeof commonMessages;
      contest: typeof contestMessages;
      decisions: typeof decisionsMessages;
      documents: typeof documentsMessages;
      duplicates: typeof duplicatesMessages;
      home: typeof homeMessages;
      household: typeof householdMessages;
      layout: typeof layoutMessages;
      notifications: typeof notificationsMessages;
      offers: typeof offersMessages;
      outbox: typeof outboxMessages;
      override: typeof overrideMessages;
      payments: typeof paymentsMessages;
      // Programme names come from the programme registry (src/programs/catalogue.ts), keyed by id.
      programmes: Record<string, string>;
      record: typeof recordMessages;
      report: typeof reportMessages;
      role: typeof roleMessages;
      roleAware: typeof roleAwareMessages;
      scope: typeof scopeMessages;
      search: typeof searchMessages;
      staff: typeof staffMessages;
      staffDocs: typeof staffDocsMessages;
      start: typeof startMessages;
    };
  }
}

export const WEB_NAMESPACES = [
  'accessLog',
  'admin',
  'app',
  'appeals',
  'applications',
  'apply',
  'audit',
  'cases',
  'citizen',
  'codes',
  'common',
  'contest',
  'decisions',
  'documents',
  'duplicates',
  'home',
  'household',
  'layout',
  'notifications',
  'offers',
  'outbox',
  'override',
  'payments',
  'programmes',
  'record',
  'report',
  'role',
  'scope',
  'search',
  'staff',
  'staffDocs',
  'start',
] as const;
export type WebNamespace = (typeof WEB_NAMESPACES)[number];
