import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isCategoryProgramme } from '../../../../src/programs/catalogue.ts';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Tag } from '../../ds/index.tsx';
import { formatMonth, formatMonthFrom, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { CitizenOnly } from '../guard.tsx';
import { useMe } from './home.tsx';
import type { DecisionRow } from './types.ts';

export function useDecisions(householdId: string | null | undefined) {
  return useQuery<{ items: DecisionRow[] }>({
    queryKey: ['decisions', householdId],
    queryFn: () => api(`/api/decisions?householdId=${householdId}&pageSize=50`),
    enabled: Boolean(householdId),
  });
}

/** The amount of a decision (or the category, for the Social Registry). */
export function useDecisionAmount(): (d: DecisionRow) => string {
  const { t } = useTranslation(['offers', 'override']);
  return (d) => {
    if (isCategoryProgramme(d.programme)) return t(dataKey('override.cat', d.categoryAfter));
    return t('offers.perMonth', { amount: formatSoum(d.amountAfter) });
  };
}

function DecisionsPage() {
  const { t } = useTranslation(['citizen', 'decisions', 'offers', 'override', 'programmes', 'record']);
  const amountOf = useDecisionAmount();
  const me = useMe();
  const decisions = useDecisions(me.data?.householdId);
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('decisions.title')}</PageTitle>
      {me.isPending || (me.data?.householdId && decisions.isPending) ? <Loading /> : null}
      {me.isError ? <ErrorMessage error={me.error} /> : null}
      {decisions.isError ? <ErrorMessage error={decisions.error} /> : null}
      {me.data && !me.data.householdId ? <p>{t('citizen.noHousehold')}</p> : null}
      {decisions.data?.items.length === 0 ? <p>{t('decisions.none')}</p> : null}
      <ul className="card-list">
        {decisions.data?.items.map((d) => {
          const name = `${t(dataKey('programmes', d.programme))}, ${formatMonth(d.month)}`;
          return (
            <li className="card" key={d.id} data-testid="decision">
              <h2>{t(dataKey('programmes', d.programme))}</h2>
              <p className="status-line">
                <Tag tone={d.kind === 'ended' ? 'grey' : 'green'}>{t(dataKey('record.kind', d.kind))}</Tag>
                <span>
                  {amountOf(d)} ·{' '}
                  {t('offers.from', { month: formatMonth(d.month), monthFrom: formatMonthFrom(d.month) })}
                </span>
              </p>
              <ul className="task-list">
                <li>
                  <Link to={`/citizen/decisions/${d.id}`}>
                    {t('decisions.why')}
                    <span className="visually-hidden">: {name}</span>
                  </Link>
                </li>
                <li>
                  <Link to={`/citizen/appeals/new/${d.id}`}>
                    {t('decisions.appeal')}
                    <span className="visually-hidden">: {name}</span>
                  </Link>
                </li>
              </ul>
            </li>
          );
        })}
      </ul>
    </>
  );
}

export default function Decisions() {
  return <CitizenOnly>{() => <DecisionsPage />}</CitizenOnly>;
}
