import { accessModule } from './access/access.module.ts';
import { administrationModule } from './administration/administration.module.ts';
import { auditModule } from './audit/audit.module.ts';
import { caseworkModule } from './casework/casework.module.ts';
import { consentModule } from './consent/consent.module.ts';
import { dciModule } from './dci/dci.module.ts';
import { decisionsModule } from './decisions/decisions.module.ts';
import { documentsModule } from './documents/documents.module.ts';
import { identityModule } from './identity/identity.module.ts';
import { intakeModule } from './intake/intake.module.ts';
import { integrationModule } from './integration/integration.module.ts';
import { notificationsModule } from './notifications/notifications.module.ts';
import { outboxModule } from './outbox/outbox.module.ts';
import { paymentsModule } from './payments/payments.module.ts';
import type { ContextModule, SupportingFolder } from './platform/context-module.ts';
import { proactiveModule } from './proactive/proactive.module.ts';
import { registryModule } from './registry/registry.module.ts';
import { territoryModule } from './territory/territory.module.ts';
import { webModule } from './web/web.module.ts';

/**
 * Every bounded context, once. src/app.ts loops over this list for hooks, job handlers, routes (in this
 * order, after authentication and access), start-up recovery, schedules and delivery loops. Adding a
 * context is adding its module here (docs/ARCHITECTURE.md, "How to add a context"); src/contexts.test.ts
 * fails when a folder of src/ is in neither list, or a table of the migrations has no single owner.
 */
export const CONTEXTS: readonly ContextModule[] = [
  accessModule,
  identityModule,
  territoryModule,
  registryModule,
  decisionsModule,
  caseworkModule,
  webModule,
  auditModule,
  consentModule,
  dciModule,
  integrationModule,
  notificationsModule,
  intakeModule,
  proactiveModule,
  documentsModule,
  administrationModule,
  outboxModule,
  paymentsModule,
];

/** The folders of src/ that are not contexts: no routes, no jobs of their own. */
export const SUPPORTING_FOLDERS: readonly SupportingFolder[] = [
  { name: 'platform', docs: 'Configuration, database and migrations, HTTP server, jobs, errors, logging' },
  {
    name: 'i18n',
    docs: 'The server’s messages: i18next with ICU, one JSON file per namespace and language (ADR 010)',
  },
  { name: 'shared', docs: 'Pure helpers for server and web: seeded random, transliteration, CSV, dates' },
  { name: 'cli', docs: 'The `himoya` command: serve, migrate, seed, evaluate, simulate, audit, agencies' },
  {
    name: 'rules',
    docs: 'The rules-as-code engine: dated parameters, formulas, vectorised evaluation, traces',
  },
  { name: 'programs', docs: 'One folder per programme: parameters, variables, rule test cases' },
  {
    name: 'synthetic',
    docs: 'The calibrated synthetic population and its COPY loader (`himoya seed`)',
    tables: ['seed_run'],
  },
];
