import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isOutboxKind, OUTBOX_STATES } from '../../../../src/shared/outbox.ts';
import { ApiError, api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle } from '../../ds/index.tsx';
import { formatNumber } from '../../format.ts';
import { StaffOnly } from './guard.tsx';

/**
 * Where the outbox stands (issue 12, point 6: "the console shows the outbox state"): for each kind of
 * message, how many wait for a first attempt, wait again after failed ones, were sent or were given up, and
 * how long the oldest waiting one has waited. Counts only; the dead letters page shows the messages.
 */

interface KindState {
  kind: string;
  queued: number;
  retrying: number;
  sent: number;
  dead: number;
  oldestWaitingSeconds: number | null;
}

/** The age in the largest whole unit: seconds, minutes, hours or days. */
function ageParts(seconds: number): { unit: 'seconds' | 'minutes' | 'hours' | 'days'; count: number } {
  if (seconds < 60) return { unit: 'seconds', count: seconds };
  if (seconds < 3600) return { unit: 'minutes', count: Math.floor(seconds / 60) };
  if (seconds < 86_400) return { unit: 'hours', count: Math.floor(seconds / 3600) };
  return { unit: 'days', count: Math.floor(seconds / 86_400) };
}

function OutboxStatePage() {
  const { t } = useTranslation(['outbox', 'staff', 'common']);
  const state = useQuery<{ kinds: KindState[] }>({
    queryKey: ['outbox', 'state'],
    queryFn: () => api('/api/outbox/state'),
    refetchInterval: 30_000,
  });
  const forbidden = state.error instanceof ApiError && state.error.status === 403;
  const kindLabel = (k: string) => (isOutboxKind(k) ? t(`outbox.kind.${k}`) : t('outbox.kind.other'));
  const age = (seconds: number | null) => {
    if (seconds === null) return t('outbox.state.nothingWaiting');
    const { unit, count } = ageParts(seconds);
    return t(`outbox.state.age.${unit}`, { count, value: formatNumber(count) });
  };
  return (
    <>
      <BackLink to="/staff" />
      <PageTitle>{t('outbox.state.title')}</PageTitle>
      <p className="lead">{t('outbox.state.lead')}</p>
      <p>
        <Link to="/staff/dead-letters">{t('outbox.state.deadLettersLink')}</Link>
      </p>
      {state.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {state.isError && !forbidden ? <ErrorMessage error={state.error} /> : null}
      {state.data ? (
        <div className="table-wrap">
          <table data-testid="outbox-state">
            <caption>{t('outbox.state.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('outbox.filterKind')}</th>
                {OUTBOX_STATES.map((s) => (
                  <th scope="col" key={s}>
                    {t(`outbox.state.column.${s}`)}
                  </th>
                ))}
                <th scope="col">{t('outbox.state.oldestWaiting')}</th>
              </tr>
            </thead>
            <tbody>
              {state.data.kinds.map((k) => (
                <tr key={k.kind} data-kind={k.kind}>
                  <th scope="row">{kindLabel(k.kind)}</th>
                  {OUTBOX_STATES.map((s) => (
                    <td key={s} data-state={s}>
                      {formatNumber(k[s])}
                    </td>
                  ))}
                  <td data-state="oldest">{age(k.oldestWaitingSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

export default function OutboxState() {
  return <StaffOnly>{() => <OutboxStatePage />}</StaffOnly>;
}
