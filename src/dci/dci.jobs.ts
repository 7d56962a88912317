import type { AppContext } from '../platform/context.ts';
import { DELIVER_JOB, type DeliverJob, deliverOutbox } from './dci.delivery.ts';
import { runAsyncSearch, SEARCH_JOB, type SearchJob } from './dci.search.service.ts';

/** The DCI API's durable jobs: async searches, and deliveries of callbacks and notifications. */
export function registerDciJobs({ database, jobs }: AppContext): void {
  jobs.register<SearchJob>(SEARCH_JOB, (data) => runAsyncSearch(database.db, jobs, data));
  jobs.register<DeliverJob>(DELIVER_JOB, (data) => deliverOutbox(database.db, data.outboxId));
}
