import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorMessage, Loading } from '../../ds/index.tsx';
import { formatDate } from '../../format.ts';
import { useOffers } from './offers.tsx';
import type { Application } from './types.ts';

/** The query keys the home's counts live under, for pages that change them (the messages page). */
export const UNREAD_MESSAGES_KEY = ['notifications', 'unread'] as const;

/** The unread count of my messages (one item asked for: the count comes with any page). */
export function useUnreadMessages() {
  return useQuery<{ unread: number }>({
    queryKey: UNREAD_MESSAGES_KEY,
    queryFn: () => api('/api/me/notifications?pageSize=1'),
  });
}

function useOpenApplications() {
  return useQuery<{ items: Application[]; total: number }>({
    queryKey: ['applications', 'open'],
    queryFn: () => api('/api/applications?open=true&pageSize=200'),
  });
}

/** The earliest due date among the applications (ISO dates compare as text), or undefined. */
export function nearestDue(applications: readonly Pick<Application, 'dueOn'>[]): string | undefined {
  return applications
    .map((a) => a.dueOn)
    .filter((d): d is string => typeof d === 'string')
    .sort()[0];
}

interface Step {
  id: string;
  text: string;
  detail?: string;
  to: string;
  action: string;
}

/**
 * What waits for the citizen, each a card with one action: offers without an answer, applications not yet
 * decided (with the nearest due date), unread messages. When nothing waits, one calm sentence.
 */
export function NextSteps() {
  const { t } = useTranslation(['home']);
  const offers = useOffers();
  const applications = useOpenApplications();
  const messages = useUnreadMessages();
  const queries = [offers, applications, messages];
  const failed = queries.find((q) => q.isError);
  if (failed) return <ErrorMessage error={failed.error} />;
  if (!offers.data || !applications.data || !messages.data) return <Loading />;

  const steps: Step[] = [];
  const waiting = offers.data.items.filter((o) => o.response === null).length;
  if (waiting > 0) {
    steps.push({
      id: 'offers',
      text: t('home.offersWaiting', { count: waiting }),
      to: '/citizen/benefits',
      action: t('home.offersAction'),
    });
  }
  const open = applications.data.total;
  if (open > 0) {
    const due = nearestDue(applications.data.items);
    steps.push({
      id: 'applications',
      text: t('home.applicationsInProgress', { count: open }),
      ...(due ? { detail: t('home.applicationsDue', { date: formatDate(due) }) } : {}),
      to: '/citizen/applications',
      action: t('home.applicationsAction'),
    });
  }
  const unread = messages.data.unread;
  if (unread > 0) {
    steps.push({
      id: 'messages',
      text: t('home.newMessages', { count: unread }),
      to: '/citizen/notifications',
      action: t('home.messagesAction'),
    });
  }

  return (
    <section aria-labelledby="next-steps" className="next-steps">
      <h2 id="next-steps">{t('home.nextTitle')}</h2>
      {steps.length === 0 ? (
        <p data-testid="nothing-waits">{t('home.nothingWaits')}</p>
      ) : (
        <ul className="card-list">
          {steps.map((step) => (
            <li className="card next-step" key={step.id} data-testid={`next-${step.id}`}>
              <h3>{step.text}</h3>
              {step.detail ? <p>{step.detail}</p> : null}
              <Link className="button button-primary" to={step.to}>
                {step.action}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
