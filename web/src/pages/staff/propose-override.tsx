import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { findProgramme, programmesFor } from '../../../../src/programs/catalogue.ts';
import { ApiError, api, newId } from '../../api.ts';
import {
  apiErrors,
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
  Panel,
  Radios,
  TextInput,
} from '../../ds/index.tsx';
import { dataKey } from '../../i18n.ts';
import { isUnknownId } from '../found.tsx';
import NotFound from '../not-found.tsx';
import { allows, type HouseholdAccess } from './allowed.ts';
import { StaffOnly } from './guard.tsx';

/** The programmes an officer may override, from the registry. */
const PROGRAMMES = programmesFor('overrides').map((p) => p.id);
const CATEGORIES = ['poor', 'state_supported', 'borderline', 'none'] as const;

function nextMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString().slice(0, 7);
}

function ProposeForm() {
  const { t } = useTranslation(['common', 'override', 'programmes', 'staff']);
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const [programme, setProgramme] = useState('');
  const [month, setMonth] = useState(nextMonth);
  const [amount, setAmount] = useState('');
  const [category, setCategory] = useState('');
  const [reason, setReason] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sent, setSent] = useState('');
  const [requestId] = useState(newId);
  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;
  const purpose = params.get('purpose');
  // A status programme is overridden by its category, a payment by its amount (the programme says which).
  const byCategory = findProgramme(programme)?.outcome.kind === 'category';

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = [];
    if (!programme) found.push({ field: 'programme', message: t('override.programmeRequired') });
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      found.push({ field: 'month', message: t('override.monthInvalid') });
    if (byCategory && !category) found.push({ field: 'category', message: t('override.programmeRequired') });
    if (programme && !byCategory && !/^\d+$/.test(amount.trim()))
      found.push({ field: 'amount', message: t('override.amountInvalid') });
    if (!reason.trim()) found.push({ field: 'reason', message: t('override.reasonRequired') });
    if (!legalBasis.trim()) found.push({ field: 'legalBasis', message: t('override.legalBasisRequired') });
    setErrors(found);
    if (found.length > 0) return;
    try {
      await api(`/api/overrides${purpose ? `?purpose=${encodeURIComponent(purpose)}` : ''}`, {
        method: 'POST',
        body: {
          id: requestId,
          householdId: id,
          programme,
          month,
          ...(byCategory ? { category } : { amount: Number(amount.trim()) }),
          reason: reason.trim(),
          legalBasis: legalBasis.trim(),
        },
      });
      setSent(requestId);
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }

  if (sent) {
    return (
      <>
        <Panel title={t('override.doneTitle')}>
          {t('common.reference')}
          <strong>{sent}</strong>
        </Panel>
        <p>{t('override.doneText')}</p>
        <p>
          <Link to="/staff/overrides">{t('staff.overrides')}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <BackLink to={`/staff/households/${id}`} />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('override.title')}</PageTitle>
      <p>{t('override.lead')}</p>
      <form onSubmit={submit} noValidate>
        <Radios
          id="programme"
          legend={t('override.programme')}
          value={programme}
          onChange={setProgramme}
          error={errorOf('programme')}
          options={PROGRAMMES.map((p) => ({ value: p, label: t(dataKey('programmes', p)) }))}
        />
        <TextInput
          id="month"
          label={t('override.month')}
          hint={t('override.monthHint')}
          value={month}
          onChange={setMonth}
          width="short"
          error={errorOf('month')}
        />
        {byCategory ? (
          <Radios
            id="category"
            legend={t('override.category')}
            value={category}
            onChange={setCategory}
            error={errorOf('category')}
            options={CATEGORIES.map((c) => ({ value: c, label: t(dataKey('override.cat', c)) }))}
          />
        ) : (
          <TextInput
            id="amount"
            label={t('override.amount')}
            value={amount}
            onChange={setAmount}
            width="short"
            error={errorOf('amount')}
          />
        )}
        <TextInput
          id="reason"
          label={t('override.reason')}
          hint={t('override.reasonHint')}
          value={reason}
          onChange={setReason}
          multiline
          error={errorOf('reason')}
        />
        <TextInput
          id="legalBasis"
          label={t('override.legalBasis')}
          hint={t('override.legalBasisHint')}
          value={legalBasis}
          onChange={setLegalBasis}
          error={errorOf('legalBasis')}
        />
        <Button>{t('override.submit')}</Button>
      </form>
    </>
  );
}

/** A role that may not propose overrides here hears so before any field, not after filling them all. */
function CannotPropose({ back }: { back: string }) {
  const { t } = useTranslation(['roleAware']);
  return (
    <>
      <BackLink to={back} />
      <PageTitle>{t('roleAware.cannotProposeTitle')}</PageTitle>
      <p data-testid="cannot-propose">{t('roleAware.cannotProposeText')}</p>
    </>
  );
}

/** The form, once the server says the officer may propose an override for this household. */
function ProposePage() {
  const { id = '' } = useParams();
  const access = useQuery<HouseholdAccess>({
    queryKey: ['household-access', id],
    queryFn: () => api(`/api/households/${id}/access`),
    retry: false,
  });
  if (access.isPending) return <Loading />;
  // Outside the officer's areas the household is refused (403): as unreachable as a role without the action.
  const refused = access.error instanceof ApiError && access.error.status === 403;
  if (access.isError && !refused)
    return isUnknownId(access.error) ? <NotFound /> : <ErrorMessage error={access.error} />;
  // Back to the record when the officer may open it; a household beyond their reach leads back to search.
  if (refused) return <CannotPropose back="/staff/households" />;
  if (!allows(access.data, 'override.propose')) return <CannotPropose back={`/staff/households/${id}`} />;
  return <ProposeForm />;
}

export default function ProposeOverride() {
  return <StaffOnly>{() => <ProposePage />}</StaffOnly>;
}
