import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { isCategoryProgramme } from '../../../../src/programs/catalogue.ts';
import { api, newId } from '../../api.ts';
import {
  apiErrors,
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
  SummaryList,
  TextInput,
} from '../../ds/index.tsx';
import { formatMonth, formatSoum } from '../../format.ts';
import { currentLanguage, dataKey } from '../../i18n.ts';
import { isBadLink } from '../found.tsx';
import { CitizenOnly } from '../guard.tsx';
import NotFound from '../not-found.tsx';
import type { DecisionView } from './types.ts';

function AppealForm() {
  const { t } = useTranslation(['appeals', 'common', 'offers', 'override', 'programmes']);
  const { decisionId = '' } = useParams();
  const navigate = useNavigate();
  const language = currentLanguage();
  const decision = useQuery<DecisionView>({
    queryKey: ['decision', decisionId, language],
    queryFn: () => api(`/api/decisions/${decisionId}?lang=${language}`),
  });
  const [grounds, setGrounds] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const [id] = useState(newId);
  if (decision.isPending) return <Loading />;
  if (decision.isError)
    return isBadLink(decision.error) ? <NotFound /> : <ErrorMessage error={decision.error} />;
  const d = decision.data;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = grounds.trim();
    const found: FieldError[] = trimmed ? [] : [{ field: 'grounds', message: t('appeals.groundsRequired') }];
    setErrors(found);
    if (found.length > 0) return;
    setSending(true);
    try {
      await api('/api/appeals', {
        method: 'POST',
        body: { id, decisionId: Number(decisionId), grounds: trimmed },
      });
      navigate(`/citizen/appeals/sent/${id}`);
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <BackLink to="/citizen/decisions" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('appeals.newTitle')}</PageTitle>
      <SummaryList
        rows={[
          { key: t('appeals.decision'), value: `${t(dataKey('programmes', d.programme))} (№ ${d.id})` },
          { key: t('common.month'), value: formatMonth(d.month) },
          {
            key: t('common.amount'),
            value: isCategoryProgramme(d.programme)
              ? t(dataKey('override.cat', d.categoryAfter))
              : t('offers.perMonth', { amount: formatSoum(d.amountAfter) }),
          },
        ]}
      />
      <div className="explanation" lang={d.language ?? language}>
        {d.explanation}
      </div>
      <form onSubmit={submit} noValidate style={{ marginTop: '2rem' }}>
        <TextInput
          id="grounds"
          label={t('appeals.grounds')}
          hint={t('appeals.groundsHint')}
          value={grounds}
          onChange={setGrounds}
          multiline
          error={errors.find((e) => e.field === 'grounds')?.message}
        />
        <Button disabled={sending}>{t('appeals.submit')}</Button>
      </form>
    </>
  );
}

export default function AppealNew() {
  return <CitizenOnly>{() => <AppealForm />}</CitizenOnly>;
}
