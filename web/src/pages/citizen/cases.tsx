import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Tag } from '../../ds/index.tsx';
import { formatDate, formatDateTime } from '../../format.ts';
import { CitizenOnly } from '../guard.tsx';
import type { CaseDetail, CaseView } from './types.ts';

function CaseSteps({ id }: { id: string }) {
  const { t } = useTranslation(['cases']);
  const detail = useQuery<CaseDetail>({ queryKey: ['case', id], queryFn: () => api(`/api/cases/${id}`) });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorMessage error={detail.error} />;
  return (
    <ol className="steps">
      {detail.data.steps.map((s) => (
        <li key={`${s.step}-${s.at}`} className={s.status === 'done' ? 'step-done' : 'step-todo'}>
          {t(`cases.step.${s.step}`, { defaultValue: s.step })} — {t(`cases.stepStatus.${s.status}`)},{' '}
          {formatDateTime(s.at)}
        </li>
      ))}
    </ol>
  );
}

function CasesPage() {
  const { t } = useTranslation(['cases']);
  const cases = useQuery<{ items: CaseView[] }>({ queryKey: ['cases'], queryFn: () => api('/api/me/cases') });
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('cases.title')}</PageTitle>
      <p className="lead">{t('cases.lead')}</p>
      {cases.isPending ? <Loading /> : null}
      {cases.isError ? <ErrorMessage error={cases.error} /> : null}
      {cases.data?.items.length === 0 ? <p>{t('cases.none')}</p> : null}
      <ul className="card-list">
        {cases.data?.items.map((c) => (
          <li className="card" key={c.id}>
            <h2>
              {t(`cases.kind.${c.kind}`, { defaultValue: c.kind })}, {formatDate(c.occurredOn)}
            </h2>
            <p>
              <Tag tone={c.status === 'done' ? 'green' : c.status === 'failed' ? 'red' : 'blue'}>
                {t(`cases.status.${c.status}`)}
              </Tag>
            </p>
            <CaseSteps id={c.id} />
          </li>
        ))}
      </ul>
    </>
  );
}

export default function Cases() {
  return <CitizenOnly>{() => <CasesPage />}</CitizenOnly>;
}
