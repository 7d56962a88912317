import { openConfiguredDatabase } from '../app.ts';
import { declareProgrammes } from '../decisions/programme.repository.ts';
import { migrate } from '../platform/db/migrate.ts';
import type { CliCommand } from './command.ts';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Apply pending database migrations',
  usage: 'himoya migrate',
  async run(_args, config) {
    const database = await openConfiguredDatabase(config);
    try {
      const applied = await migrate(database);
      // The registry's programme ids, so that a new programme folder is ready before the first decision.
      await declareProgrammes(database.db);
      console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date.');
      return 0;
    } finally {
      await database.close();
    }
  },
};
