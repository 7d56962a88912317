import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isCategoryProgramme } from '../../../../src/programs/catalogue.ts';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, SummaryList, Tag } from '../../ds/index.tsx';
import { formatDate, formatMonth, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { CitizenOnly } from '../guard.tsx';
import { APPLICATION_STEPS, type Application } from './types.ts';

export function useApplications() {
  return useQuery<{ items: Application[] }>({
    queryKey: ['applications'],
    queryFn: () => api('/api/applications?pageSize=50'),
  });
}

/** Submitted → questionnaire → mahalla opinion → decided: each step said in words, the current one marked. */
function Steps({ application }: { application: Application }) {
  const { t } = useTranslation(['applications', 'apply', 'common', 'programmes']);
  const reached = APPLICATION_STEPS.indexOf(application.status);
  const dates: (string | null | undefined)[] = [
    application.submittedOn,
    application.questionnaire?.on,
    application.mahallaOpinion?.on,
    application.decidedOn,
  ];
  return (
    <ol className="steps" aria-label={t('common.status')}>
      {APPLICATION_STEPS.map((step, i) => {
        const done = i <= reached;
        const current = i === reached + 1 && application.status !== 'decided';
        const date = dates[i];
        return (
          <li
            key={step}
            className={done ? 'step-done' : current ? 'step-current' : 'step-todo'}
            aria-current={current ? 'step' : undefined}
          >
            {t(`applications.steps.${step}`)}
            <span className="visually-hidden">
              :{' '}
              {done ? t('applications.done') : current ? t('applications.current') : t('applications.notYet')}
            </span>
            {done && date ? ` — ${formatDate(date)}` : ''}
          </li>
        );
      })}
    </ol>
  );
}

function ApplicationsPage() {
  const { t } = useTranslation(['applications', 'apply', 'common', 'programmes']);
  const applications = useApplications();
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('applications.title')}</PageTitle>
      <p>
        <Link to="/citizen/apply">{t('apply.link')}</Link>
      </p>
      {applications.isPending ? <Loading /> : null}
      {applications.isError ? <ErrorMessage error={applications.error} /> : null}
      {applications.data?.items.length === 0 ? <p>{t('applications.none')}</p> : null}
      <ul className="card-list">
        {applications.data?.items.map((a) => (
          <li className="card" key={a.id} data-testid="application">
            <h2>{t(dataKey('programmes', a.programme))}</h2>
            <p className="status-line">
              <span>{t('applications.submittedOn', { date: formatDate(a.submittedOn) })}</span>
              {a.status === 'decided' ? null : a.overdue ? (
                <Tag tone="red">{t('applications.overdue')}</Tag>
              ) : (
                <Tag tone="blue">{t('applications.onTime')}</Tag>
              )}
            </p>
            <Steps application={a} />
            <SummaryList
              rows={[
                { key: t('common.reference'), value: <span data-testid="reference">{a.reference}</span> },
                { key: t('applications.decisionMonth'), value: formatMonth(a.decisionMonth) },
                {
                  key: t('applications.dueOn'),
                  value: (
                    <span data-testid="due-on">
                      {a.dueOn ? formatDate(a.dueOn) : t('applications.dueUnknown')}
                    </span>
                  ),
                },
                ...(a.outcome
                  ? [
                      {
                        key: t('applications.outcome'),
                        value: a.outcome.entitled
                          ? `${t('applications.entitled')}${a.outcome.amount > 0 && !isCategoryProgramme(a.programme) ? `: ${formatSoum(a.outcome.amount)}` : ''}`
                          : t('applications.notEntitled'),
                      },
                    ]
                  : []),
              ]}
            />
            <Link to={`/citizen/documents?application=${a.id}`}>
              {t('applications.documents')}
              <span className="visually-hidden">: {t(dataKey('programmes', a.programme))}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export default function Applications() {
  return <CitizenOnly>{() => <ApplicationsPage />}</CitizenOnly>;
}
