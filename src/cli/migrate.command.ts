import { openConfiguredDatabase } from '../app.ts';
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
      console.log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date.');
      return 0;
    } finally {
      await database.close();
    }
  },
};
