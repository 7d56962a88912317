import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Source, SummaryList } from '../../ds/index.tsx';
import { formatDate, formatNumber, formatSoum, formatSoumPerMonth } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { codeLabel } from '../../labels.ts';
import { CitizenOnly } from '../guard.tsx';
import { useMe } from './home.tsx';
import { type HouseholdView, memberName } from './types.ts';

export function useHousehold(id: string | null | undefined) {
  return useQuery<HouseholdView>({
    queryKey: ['household', id],
    queryFn: () => api<HouseholdView>(`/api/households/${id}`),
    enabled: Boolean(id),
  });
}

function HouseholdPage() {
  const { t } = useTranslation(['citizen', 'common', 'household', 'codes']);
  const me = useMe();
  const household = useHousehold(me.data?.householdId);
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (!me.data.householdId) return <p>{t('citizen.noHousehold')}</p>;
  if (household.isPending) return <Loading />;
  if (household.isError) return <ErrorMessage error={household.error} />;
  const h = household.data;
  const nameOf = (id: string) => {
    const m = h.members.find((x) => x.personId === id);
    return m ? memberName(m) : '';
  };
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('household.title')}</PageTitle>
      <SummaryList
        rows={[
          {
            key: t('household.address'),
            value: (
              <>
                {h.address} <Source source={h.source} />
              </>
            ),
          },
        ]}
      />
      <h2>{t('household.members')}</h2>
      {h.members.map((m) => (
        <section className="card" key={m.personId} aria-labelledby={`m-${m.personId}`}>
          <h3 id={`m-${m.personId}`}>{`${m.lastName} ${m.firstName} ${m.patronymic ?? ''}`.trim()}</h3>
          <SummaryList
            rows={[
              {
                key: t('household.relationship'),
                value: (
                  <>
                    {t(dataKey('household.rel', m.relationship))} <Source source={m.membershipSource} />
                  </>
                ),
              },
              {
                key: t('household.birthDate'),
                value: (
                  <>
                    {formatDate(m.birthDate)} <Source source={m.source} />
                  </>
                ),
              },
              { key: t('household.pinfl'), value: m.pinfl ?? '—' },
              { key: t('household.employment'), value: codeLabel('employment', m.employment) },
              { key: t('household.education'), value: codeLabel('education', m.education) },
            ]}
          />
          <Link to={`/citizen/household/report/${m.personId}`}>
            {t('household.report', { name: memberName(m) })}
          </Link>
        </section>
      ))}
      <h2>{t('household.facts')}</h2>
      <h3>{t('household.incomes')}</h3>
      {h.facts.incomes.length === 0 ? (
        <p>{t('common.none')}</p>
      ) : (
        <SummaryList
          rows={h.facts.incomes.map((f) => ({
            key: `${nameOf(f.personId)} · ${codeLabel('income', f.kind)}`,
            value: (
              <span>
                {formatSoumPerMonth(f.monthlyAmount)} <Source source={f.source} />
              </span>
            ),
          }))}
        />
      )}
      <h3>{t('household.dwellings')}</h3>
      {h.facts.dwellings.length === 0 ? (
        <p>{t('common.none')}</p>
      ) : (
        <SummaryList
          rows={h.facts.dwellings.map((f) => ({
            key: `${codeLabel('dwelling', f.kind)} · ${f.cadastreNumber}`,
            value: (
              <>
                {formatNumber(f.areaM2)} m² <Source source={f.source} />
              </>
            ),
          }))}
        />
      )}
      <h3>{t('household.vehicles')}</h3>
      {h.facts.vehicles.length === 0 ? (
        <p>{t('common.none')}</p>
      ) : (
        <SummaryList
          rows={h.facts.vehicles.map((f) => ({
            key: f.plate,
            value: (
              <>
                {f.make}, {f.modelYear} <Source source={f.source} />
              </>
            ),
          }))}
        />
      )}
      <h3>{t('household.deposits')}</h3>
      {h.facts.bankDeposits.length === 0 ? (
        <p>{t('common.none')}</p>
      ) : (
        <SummaryList
          rows={h.facts.bankDeposits.map((f) => ({
            key: nameOf(f.personId),
            value: (
              <>
                {formatSoum(f.balance)} <Source source={f.source} />
              </>
            ),
          }))}
        />
      )}
    </>
  );
}

export default function Household() {
  return <CitizenOnly>{() => <HouseholdPage />}</CitizenOnly>;
}
