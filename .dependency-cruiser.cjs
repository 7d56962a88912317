/**
 * The boundary rules of docs/ARCHITECTURE.md ("Boundaries"), checked by `npm run check:boundaries` (part of
 * `npm test`). Every rule is an error; an exception is written here, next to the rule it bends, with why.
 */

const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

/**
 * The domain contexts: the folders of src/ with a `<name>.module.ts` (the ContextModule listed in
 * src/contexts.ts), so adding a context adds it here too.
 */
const CONTEXTS = readdirSync(join(__dirname, 'src'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(__dirname, 'src', entry.name, `${entry.name}.module.ts`)))
  .map((entry) => entry.name)
  .join('|');

/** Files that exist for tests only may reach into any context (fixtures, direct inserts). */
const TEST_FILES = '(\\.test\\.ts|\\.test-support\\.ts|/test-support\\.ts)$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles: contexts talk back through events or hooks registered at wiring time.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'rules-pure',
      comment:
        'The rules engine computes over columns it is given: no database (Kysely, pg, PGlite, platform/db) and ' +
        'no HTTP (Fastify, platform/http). Loading the population is the decisions context (population.loader.ts).',
      severity: 'error',
      from: { path: '^src/rules/' },
      to: {
        path: [
          '^src/platform/(db|http)/',
          '(^|/)node_modules/(kysely|pg|pg-[^/]+|pg-boss|@electric-sql/[^/]+|fastify|@fastify/[^/]+)/',
        ],
      },
    },
    {
      name: 'platform-no-context',
      comment: 'The platform (config, database, HTTP server, jobs, errors) knows no domain context.',
      severity: 'error',
      from: { path: '^src/platform/', pathNot: TEST_FILES },
      to: { path: `^src/(${CONTEXTS})/` },
    },
    {
      name: 'access-asks-no-context',
      comment:
        'Every context asks the access policy; access asks none of them (only the platform), so no context ' +
        'can close a loop through it. What audit records of an access (purposes) is defined in access.',
      severity: 'error',
      from: { path: '^src/access/', pathNot: TEST_FILES },
      to: { path: `^src/(${CONTEXTS})/`, pathNot: '^src/access/' },
    },
    {
      name: 'web-only-shared',
      comment:
        'The web app takes from the server only pure shared code and data: src/shared/** and the programme ' +
        'catalogue (src/programs/catalogue.ts, src/programs/*/describe.ts). Nothing that reaches a database.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: {
        path: '^src/',
        pathNot: ['^src/shared/', '^src/programs/catalogue\\.ts$', '^src/programs/[^/]+/describe\\.ts$'],
      },
    },
    {
      name: 'web-shared-stays-pure',
      comment: 'What the web app may import must not pull the database or HTTP in behind its back.',
      severity: 'error',
      from: { path: ['^src/shared/', '^src/programs/catalogue\\.ts$', '^src/programs/[^/]+/describe\\.ts$'] },
      to: { path: ['^src/platform/(db|http)/', '(^|/)node_modules/(kysely|pg|pg-boss|@electric-sql/[^/]+|fastify)/'] },
    },
    {
      name: 'data-through-service',
      comment:
        "A context reaches another's data only through its service: never another context's *.repository.ts. " +
        "Published lookups are re-exported by a service (access/access.service.ts, " +
        'decisions/decision-records.service.ts, registry/persons/person.service.ts).',
      severity: 'error',
      from: { path: `^src/(${CONTEXTS})/`, pathNot: TEST_FILES },
      to: { path: '^src/[^/]+/.*\\.repository\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'table-types-only',
      comment:
        "Another context's *.tables.ts may be imported for its types (a status or payload union), never for " +
        'values; the rows are read and written by the owning context.',
      severity: 'error',
      from: { path: `^src/(${CONTEXTS})/`, pathNot: TEST_FILES },
      to: { path: '^src/[^/]+/.*\\.tables\\.ts$', pathNot: '^src/$1/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count: a cycle of types is still a cycle of knowledge.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
