import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isCategoryProgramme } from '../../../../src/programs/catalogue.ts';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Tag } from '../../ds/index.tsx';
import { formatMonth, formatMonthFrom, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { CitizenOnly } from '../guard.tsx';
import type { Offer } from './types.ts';

export function useOffers() {
  return useQuery<{ items: Offer[] }>({ queryKey: ['offers'], queryFn: () => api('/api/me/offers') });
}

export function OfferStatus({ offer }: { offer: Offer }) {
  const { t } = useTranslation(['offers', 'override', 'programmes']);
  if (offer.response === 'accepted') return <Tag tone="green">{t('offers.accepted')}</Tag>;
  if (offer.response === 'declined') return <Tag tone="grey">{t('offers.declined')}</Tag>;
  return <Tag tone="blue">{t('offers.waiting')}</Tag>;
}

/** The amount of an offer (or the category, for the Social Registry), in the words of its own groups. */
export function useOfferAmount(): (offer: Offer) => string {
  const { t } = useTranslation(['offers', 'override']);
  return (offer) => {
    if (isCategoryProgramme(offer.programme)) return t(dataKey('override.cat', offer.category));
    return t('offers.perMonth', { amount: formatSoum(offer.amount) });
  };
}

function OffersPage() {
  const { t } = useTranslation(['offers', 'override', 'programmes']);
  const amountOf = useOfferAmount();
  const offers = useOffers();
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('offers.title')}</PageTitle>
      <p className="lead">{t('offers.lead')}</p>
      {offers.isPending ? <Loading /> : null}
      {offers.isError ? <ErrorMessage error={offers.error} /> : null}
      {offers.data?.items.length === 0 ? <p>{t('offers.none')}</p> : null}
      <ul className="card-list">
        {offers.data?.items.map((offer) => (
          <li className="card" key={offer.decisionId}>
            <h2>{t(dataKey('programmes', offer.programme))}</h2>
            <p>
              <OfferStatus offer={offer} />
            </p>
            <p>
              {amountOf(offer)} ·{' '}
              {t('offers.from', { month: formatMonth(offer.month), monthFrom: formatMonthFrom(offer.month) })}
            </p>
            <Link to={`/citizen/benefits/${offer.decisionId}`}>
              {t('offers.open')}
              <span className="visually-hidden">: {t(dataKey('programmes', offer.programme))}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export default function Offers() {
  return <CitizenOnly>{() => <OffersPage />}</CitizenOnly>;
}
