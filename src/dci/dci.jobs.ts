import type { AppContext } from '../platform/context.ts';
import { registerDciDelivery } from './dci.delivery.ts';
import { registerFiguresJob } from './dci.figures.ts';
import { runAsyncSearch, SEARCH_JOB, type SearchJob } from './dci.search.service.ts';

/**
 * The DCI API's durable jobs: async searches and the refresh of the maintained figures (dci.figures.ts). Callbacks and notifications are delivered by the one outbox
 * (src/outbox), whose handler for them is registered here.
 */
export function registerDciJobs(ctx: AppContext): void {
  const { database, jobs } = ctx;
  jobs.register<SearchJob>(SEARCH_JOB, (data) => runAsyncSearch(database.db, jobs, data));
  registerDciDelivery();
  registerFiguresJob(ctx);
}
