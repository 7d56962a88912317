import type { FastifyRequest } from 'fastify';
import { actorIn } from '../access/access.plugin.ts';
import { type Action, grantsFor, scopeOf } from '../access/policies.ts';
import { auditActorOf } from '../audit/audit.service.ts';
import { DomainError } from '../platform/errors.ts';
import type { AdminCaller } from './areas.ts';
import type { ReviewerCallers } from './requests.service.ts';

/**
 * The administrator behind a request. The access plugin already refused anyone without the action; the
 * reach is the areas of the grants that allow it, and the audit log names the grant used.
 */
export function adminCallerOf(request: FastifyRequest, action: Action): AdminCaller {
  const actor = actorIn(request);
  const grant = grantsFor(actor, action)[0];
  // Only staff administer: a session, not a machine token, and a person the audit log can name.
  if (actor.kind !== 'staff' || !grant) throw new DomainError('FORBIDDEN');
  return { accountId: actor.id, scope: scopeOf(actor, action), audit: auditActorOf(request, grant) };
}

const maybe = (request: FastifyRequest, action: Action): AdminCaller | null => {
  try {
    return adminCallerOf(request, action);
  } catch {
    return null;
  }
};

export function reviewerCallersOf(request: FastifyRequest): ReviewerCallers {
  const callers = {
    account: maybe(request, 'accounts.manage'),
    machine_client: maybe(request, 'clients.manage'),
  };
  if (!callers.account && !callers.machine_client) throw new DomainError('FORBIDDEN');
  return callers;
}
