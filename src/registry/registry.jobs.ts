import type { AppContext } from '../platform/context.ts';
import { DUPLICATE_SCAN_JOB, scanDuplicates } from './duplicates/duplicate.service.ts';

export function registerRegistryJobs({ database, jobs, logger }: AppContext): void {
  jobs.register(DUPLICATE_SCAN_JOB, async () => {
    const result = await scanDuplicates(database.db);
    logger.info(result, 'duplicate scan finished');
  });
}
