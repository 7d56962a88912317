import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isReportFact, type ReportFact } from '../../../../src/shared/report-facts.ts';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Source, SummaryList } from '../../ds/index.tsx';
import { formatDate, formatNumber, formatSoum, formatSoumPerMonth } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { codeLabel } from '../../labels.ts';
import { CitizenOnly } from '../guard.tsx';
import { useMe } from './home.tsx';
import { type ChangeRequestView, type HouseholdView, memberName } from './types.ts';

export function useHousehold(id: string | null | undefined) {
  return useQuery<HouseholdView>({
    queryKey: ['household', id],
    queryFn: () => api<HouseholdView>(`/api/households/${id}`),
    enabled: Boolean(id),
  });
}

/** The "report a mistake" link of one fact group (and one member), to the form of issue 12, point 8. */
function ReportLink({ fact, personId }: { fact: ReportFact; personId?: string }) {
  const { t } = useTranslation(['report']);
  const query = new URLSearchParams({ fact, ...(personId ? { person: personId } : {}) });
  return (
    <p className="report-link">
      <Link to={`/citizen/household/report?${query}`}>
        {t('report.linkFor', { fact: t(`report.facts.${fact}`) })}
      </Link>
    </p>
  );
}

function HouseholdPage() {
  const { t } = useTranslation(['citizen', 'common', 'household', 'codes', 'report']);
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
      <ReportLink fact="membership" />
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
          <ReportLink fact="employment" personId={m.personId} />
        </section>
      ))}
      <h2>{t('household.facts')}</h2>
      <h3>{t('household.incomes')}</h3>
      <ReportLink fact="income" />
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
      <ReportLink fact="dwelling" />
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
      <ReportLink fact="vehicle" />
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
      <ReportLink fact="deposits" />
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
      <h3>{t('report.facts.disability')}</h3>
      <ReportLink fact="disability" />
      <MyReports household={h} />
    </>
  );
}

/** The family's reported mistakes and where each stands, with the officer's reason when not accepted. */
function MyReports({ household }: { household: HouseholdView }) {
  const { t } = useTranslation(['report', 'codes', 'common']);
  const reports = useQuery<{ items: ChangeRequestView[] }>({
    queryKey: ['my-reports', household.id],
    queryFn: () => api(`/api/change-requests?householdId=${household.id}&type=contest_fact&pageSize=50`),
  });
  const items = reports.data?.items.filter((r) => r.contest) ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="my-reports">
      <h2 id="my-reports">{t('report.mine')}</h2>
      <ul className="my-reports">
        {items.map((r) => {
          const agency = codeLabel('source', r.contest?.sourceAgency);
          const fact = r.contest?.fact ?? '';
          return (
            <li key={r.id} data-testid="my-report">
              <strong>{isReportFact(fact) ? t(`report.facts.${fact}`) : codeLabel('fact', fact)}</strong>
              {' · '}
              {formatDate(r.submittedAt)}
              {' · '}
              <span data-testid="my-report-status">
                {r.status in STATUS_KEYS
                  ? t(STATUS_KEYS[r.status], { agency })
                  : codeLabel('changeStatus', r.status)}
              </span>
              {r.status === 'rejected' && r.decisionNote ? (
                <p>
                  {t('report.reason')}: <span data-testid="my-report-reason">{r.decisionNote}</span>
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

const STATUS_KEYS = {
  pending: 'report.status.pending',
  verifying: 'report.status.verifying',
  accepted: 'report.status.accepted',
  rejected: 'report.status.rejected',
  applied: 'report.status.applied',
} as const;

export default function Household() {
  return <CitizenOnly>{() => <HouseholdPage />}</CitizenOnly>;
}
