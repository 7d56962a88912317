import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
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
  TextInput,
} from '../../ds/index.tsx';
import { CitizenOnly } from '../guard.tsx';
import NotFound from '../not-found.tsx';
import { useMe } from './home.tsx';
import { useHousehold } from './household.tsx';
import { memberName } from './types.ts';

const FIELDS = ['lastName', 'firstName', 'patronymic', 'birthDate', 'phone'] as const;

function ReportForm() {
  const { t } = useTranslation(['common', 'report']);
  const { personId = '' } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const household = useHousehold(me.data?.householdId);
  const [field, setField] = useState('');
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const [id] = useState(newId);
  if (me.isPending || household.isPending) return <Loading />;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (household.isError) return <ErrorMessage error={household.error} />;
  const member = household.data.members.find((m) => m.personId === personId);
  if (!member) return <NotFound />;

  const hint =
    field === 'phone'
      ? t('report.phoneHint')
      : field === 'birthDate'
        ? t('report.dateHint')
        : t('report.valueHint');

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = [];
    const trimmed = value.trim();
    if (!field) found.push({ field: 'field', message: t('report.fieldRequired') });
    else if (!trimmed) found.push({ field: 'value', message: t('report.valueRequired') });
    else if (field === 'phone' && !/^\+998\d{9}$/.test(trimmed))
      found.push({ field: 'value', message: t('report.phoneInvalid') });
    else if (field === 'birthDate' && !/^\d{4}-\d{2}-\d{2}$/.test(trimmed))
      found.push({ field: 'value', message: t('report.dateInvalid') });
    setErrors(found);
    if (found.length > 0) return;
    setSending(true);
    try {
      await api('/api/change-requests', {
        method: 'POST',
        body: {
          id,
          type: 'correct_personal_data',
          personId,
          changes: { [field]: trimmed },
          effectiveDate: new Date().toISOString().slice(0, 10),
        },
      });
      navigate(`/citizen/household/report-sent/${id}`);
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <BackLink to="/citizen/household" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('report.title', { name: memberName(member) })}</PageTitle>
      <form onSubmit={submit} noValidate>
        <Radios
          id="field"
          legend={t('report.field')}
          hint={t('report.fieldHint')}
          value={field}
          onChange={setField}
          error={errors.find((e) => e.field === 'field')?.message}
          options={FIELDS.map((f) => ({ value: f, label: t(`report.fields.${f}`) }))}
        />
        <TextInput
          id="value"
          label={t('report.value')}
          hint={hint}
          value={value}
          onChange={setValue}
          error={errors.find((e) => e.field === 'value')?.message}
        />
        <Button disabled={sending}>{t('report.submit')}</Button>
      </form>
    </>
  );
}

export default function Report() {
  return <CitizenOnly>{() => <ReportForm />}</CitizenOnly>;
}
