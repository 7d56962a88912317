import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { programmesFor } from '../../../../src/programs/catalogue.ts';
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
  Radios,
  SummaryList,
} from '../../ds/index.tsx';
import { formatDate } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { CitizenOnly } from '../guard.tsx';
import { useMe } from './home.tsx';
import { type Programme, today } from './types.ts';

/** The programmes one may apply for, from the registry. */
const PROGRAMMES: Programme[] = programmesFor('applications').map((p) => p.id);

/** Apply once: one question per page (what help is needed), then check and send. */
function ApplyForm() {
  const { t } = useTranslation(['apply', 'common', 'programmes']);
  const navigate = useNavigate();
  const me = useMe();
  const [step, setStep] = useState<'choose' | 'check'>('choose');
  const [programme, setProgramme] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const [id] = useState(newId);
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorMessage error={me.error} />;
  const householdId = me.data.householdId;
  if (!householdId) {
    return (
      <>
        <BackLink to="/citizen" />
        <PageTitle>{t('apply.title')}</PageTitle>
        <p>{t('apply.noHousehold')}</p>
      </>
    );
  }

  function choose(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = programme
      ? []
      : [{ field: 'programme', message: t('apply.programmeRequired') }];
    setErrors(found);
    if (found.length === 0) setStep('check');
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    try {
      await api('/api/applications', {
        method: 'POST',
        body: { id, householdId, programme, channel: 'portal', submittedOn: today() },
      });
      navigate(`/citizen/apply/sent/${id}`);
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    } finally {
      setSending(false);
    }
  }

  if (step === 'check') {
    return (
      <>
        <ErrorSummary errors={errors} />
        <PageTitle caption={t('apply.title')}>{t('apply.checkTitle')}</PageTitle>
        <SummaryList
          rows={[
            {
              key: t('apply.programme'),
              value: (
                <>
                  {t(dataKey('programmes', programme))}{' '}
                  <button type="button" className="link-button" onClick={() => setStep('choose')}>
                    {t('apply.change')}
                  </button>
                </>
              ),
            },
            { key: t('apply.date'), value: formatDate(today()) },
            { key: t('apply.channel'), value: t('apply.portal') },
          ]}
        />
        <p>{t('apply.lead')}</p>
        <p>{t('apply.declaration')}</p>
        <form onSubmit={send} noValidate>
          <Button disabled={sending}>{t('apply.submit')}</Button>
        </form>
      </>
    );
  }

  return (
    <>
      <BackLink to="/citizen" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('apply.title')}</PageTitle>
      <p className="lead" data-testid="composite">
        {t('apply.lead')}
      </p>
      <p>{t('apply.steps')}</p>
      <form onSubmit={choose} noValidate>
        <Radios
          id="programme"
          legend={t('apply.programme')}
          hint={t('apply.programmeHint')}
          value={programme}
          onChange={setProgramme}
          error={errors.find((e) => e.field === 'programme')?.message}
          options={PROGRAMMES.map((p) => ({ value: p, label: t(dataKey('programmes', p)) }))}
        />
        <Button>{t('common.continue')}</Button>
      </form>
    </>
  );
}

export default function Apply() {
  return <CitizenOnly>{() => <ApplyForm />}</CitizenOnly>;
}
