import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import {
  apiErrors,
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
} from '../../ds/index.tsx';
import { formatDate } from '../../format.ts';
import { currentLanguage, dataKey } from '../../i18n.ts';
import { CitizenOnly } from '../guard.tsx';
import NotFound from '../not-found.tsx';
import { DecisionExplanation } from './explanation.tsx';
import { OfferStatus, useOffers } from './offers.tsx';
import type { DecisionView } from './types.ts';

function OfferPage() {
  const { t } = useTranslation(['common', 'decisions', 'offers', 'programmes']);
  const { decisionId = '' } = useParams();
  const client = useQueryClient();
  const offers = useOffers();
  const language = currentLanguage();
  const decision = useQuery<DecisionView>({
    queryKey: ['decision', decisionId, language],
    queryFn: () => api(`/api/decisions/${decisionId}?lang=${language}`),
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  if (offers.isPending) return <Loading />;
  if (offers.isError) return <ErrorMessage error={offers.error} />;
  const offer = offers.data.items.find((o) => String(o.decisionId) === decisionId);
  if (!offer) return <NotFound />;

  async function respond(answer: 'accept' | 'decline') {
    setSending(true);
    try {
      await api(`/api/me/offers/${decisionId}/${answer}`, { method: 'POST', body: {} });
      setErrors([]);
      await client.invalidateQueries({ queryKey: ['offers'] });
      document.getElementById('offer-status')?.focus();
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    } finally {
      setSending(false);
    }
  }

  const answer =
    offer.response === null ? (
      <div className="actions">
        <Button type="button" onClick={() => respond('accept')} disabled={sending}>
          {t('offers.accept')}
        </Button>
        <Button type="button" variant="secondary" onClick={() => respond('decline')} disabled={sending}>
          {t('offers.decline')}
        </Button>
      </div>
    ) : null;

  return (
    <>
      <BackLink to="/citizen/benefits" />
      <ErrorSummary errors={errors} />
      <PageTitle caption={t('offers.title')}>{t(dataKey('programmes', offer.programme))}</PageTitle>
      <div id="offer-status" tabIndex={-1} aria-live="polite">
        <p>
          <OfferStatus offer={offer} />
        </p>
        {offer.response && offer.respondedAt ? (
          <p>
            {t(offer.response === 'accepted' ? 'offers.acceptedText' : 'offers.declinedText', {
              date: formatDate(offer.respondedAt),
            })}
          </p>
        ) : null}
      </div>
      {decision.isPending ? <Loading /> : null}
      {decision.isError ? <ErrorMessage error={decision.error} /> : null}
      {decision.data ? (
        <DecisionExplanation decision={decision.data} audience="citizen">
          {answer}
        </DecisionExplanation>
      ) : (
        answer
      )}
      <p>
        <Link to={`/citizen/appeals/new/${decisionId}`}>{t('decisions.appeal')}</Link>
      </p>
    </>
  );
}

export default function OfferDetail() {
  return <CitizenOnly>{() => <OfferPage />}</CitizenOnly>;
}
