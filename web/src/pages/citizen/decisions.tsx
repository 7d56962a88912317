import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isCategoryProgramme } from '../../../../src/programs/catalogue.ts';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Tag } from '../../ds/index.tsx';
import { formatMonth, formatMonthFrom, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { currentDecisionIds } from '../decision-status.ts';
import { CitizenOnly } from '../guard.tsx';
import { useMe } from './home.tsx';
import { useOffers } from './offers.tsx';
import type { DecisionRow, Offer } from './types.ts';

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

/**
 * What a decision means for the family now, in one tag: an offer still waiting for their answer (not
 * "granted", which the offer page would contradict), their answer, the decision in force, or one a later
 * decision replaced.
 */
function DecisionStatus({
  decision,
  current,
  offer,
}: {
  decision: DecisionRow;
  current: boolean;
  offer?: Offer;
}) {
  const { t } = useTranslation(['decisions', 'offers', 'record']);
  if (!current) return <Tag tone="grey">{t('decisions.replaced')}</Tag>;
  if (decision.kind === 'ended') return <Tag tone="grey">{t(dataKey('record.kind', decision.kind))}</Tag>;
  if (offer && offer.response === null) return <Tag tone="blue">{t('offers.waiting')}</Tag>;
  if (offer?.response === 'declined') return <Tag tone="grey">{t('offers.declined')}</Tag>;
  return <Tag tone="green">{t('decisions.inForce', { kind: t(dataKey('record.kind', decision.kind)) })}</Tag>;
}

function DecisionCard({
  decision: d,
  current,
  offer,
}: {
  decision: DecisionRow;
  current: boolean;
  offer?: Offer;
}) {
  const { t } = useTranslation(['decisions', 'offers', 'programmes']);
  const amountOf = useDecisionAmount();
  const name = `${t(dataKey('programmes', d.programme))}, ${formatMonth(d.month)}`;
  const waiting = current && offer !== undefined && offer.response === null;
  return (
    <li className="card" data-testid="decision" data-current={current ? 'yes' : 'no'}>
      <h3>{t(dataKey('programmes', d.programme))}</h3>
      <p className="status-line">
        <DecisionStatus decision={d} current={current} offer={offer} />
        <span>
          {amountOf(d)} ·{' '}
          {t('offers.from', { month: formatMonth(d.month), monthFrom: formatMonthFrom(d.month) })}
        </span>
      </p>
      <ul className="task-list">
        {waiting ? (
          <li>
            <Link to={`/citizen/benefits/${d.id}`}>
              {t('decisions.answer')}
              <span className="visually-hidden">: {name}</span>
            </Link>
          </li>
        ) : null}
        <li>
          <Link to={`/citizen/decisions/${d.id}`}>
            {t('decisions.why')}
            <span className="visually-hidden">: {name}</span>
          </Link>
        </li>
        {current ? (
          <li>
            <Link to={`/citizen/appeals/new/${d.id}`}>
              {t('decisions.appeal')}
              <span className="visually-hidden">: {name}</span>
            </Link>
          </li>
        ) : null}
      </ul>
    </li>
  );
}

function DecisionsPage() {
  const { t } = useTranslation(['citizen', 'decisions']);
  const me = useMe();
  const decisions = useDecisions(me.data?.householdId);
  const offers = useOffers();
  const items = decisions.data?.items ?? [];
  const current = currentDecisionIds(items);
  const offerOf = new Map((offers.data?.items ?? []).map((o) => [o.decisionId, o]));
  const inForce = items.filter((d) => current.has(d.id));
  const earlier = items.filter((d) => !current.has(d.id));
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('decisions.title')}</PageTitle>
      {me.isPending || (me.data?.householdId && decisions.isPending) ? <Loading /> : null}
      {me.isError ? <ErrorMessage error={me.error} /> : null}
      {decisions.isError ? <ErrorMessage error={decisions.error} /> : null}
      {me.data && !me.data.householdId ? <p>{t('citizen.noHousehold')}</p> : null}
      {decisions.data?.items.length === 0 ? <p>{t('decisions.none')}</p> : null}
      {inForce.length > 0 ? (
        <section aria-labelledby="decisions-current">
          <h2 id="decisions-current">{t('decisions.current')}</h2>
          <ul className="card-list">
            {inForce.map((d) => (
              <DecisionCard key={d.id} decision={d} current offer={offerOf.get(d.id)} />
            ))}
          </ul>
        </section>
      ) : null}
      {earlier.length > 0 ? (
        <section aria-labelledby="decisions-earlier">
          <h2 id="decisions-earlier">{t('decisions.earlier')}</h2>
          <p className="hint">{t('decisions.earlierHint')}</p>
          <ul className="card-list">
            {earlier.map((d) => (
              <DecisionCard key={d.id} decision={d} current={false} offer={offerOf.get(d.id)} />
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export default function Decisions() {
  return <CitizenOnly>{() => <DecisionsPage />}</CitizenOnly>;
}
