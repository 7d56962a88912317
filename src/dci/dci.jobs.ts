import type { AppContext } from '../platform/context.ts';
import { outboundPolicyOf } from '../platform/http/outbound-url.ts';
import { DELIVER_JOB, type DeliverJob, deliverOutbox } from './dci.delivery.ts';
import { runAsyncSearch, SEARCH_JOB, type SearchJob } from './dci.search.service.ts';
import { dciSignerFor } from './dci.signing-key.ts';

/** The DCI API's durable jobs: async searches, and deliveries of callbacks and notifications. */
export function registerDciJobs({ config, database, jobs, logger }: AppContext): void {
  const delivery = {
    db: database.db,
    signer: dciSignerFor(database.db, config.DCI_SIGNING_KEY),
    policy: outboundPolicyOf(config),
    logger,
  };
  jobs.register<SearchJob>(SEARCH_JOB, (data) => runAsyncSearch(database.db, jobs, data));
  jobs.register<DeliverJob>(DELIVER_JOB, (data) => deliverOutbox(delivery, data.outboxId));
}
