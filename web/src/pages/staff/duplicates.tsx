import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api.ts';
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
  Source,
  SummaryList,
  TextInput,
} from '../../ds/index.tsx';
import { formatDate, formatNumber } from '../../format.ts';
import { StaffOnly } from './guard.tsx';

/** Why the scan paired two records (src/registry/duplicates); one it does not know reads as "other". */
const REASONS = ['same_name_birth_date_mahalla'] as const;
const isReason = (r: string): r is (typeof REASONS)[number] => (REASONS as readonly string[]).includes(r);

interface Person {
  personId: string;
  pinfl: string | null;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  birthDate: string;
  source: string;
}

interface Pair {
  id: number;
  reason: string;
  score: number;
  status: string;
  personA: Person;
  personB: Person;
}

function describe(p: Person): string {
  return [p.lastName, p.firstName, p.patronymic].filter(Boolean).join(' ');
}

function Review({ pair, onDone }: { pair: Pair; onDone: (message: string) => void }) {
  const { t } = useTranslation(['common', 'duplicates', 'staff']);
  const client = useQueryClient();
  const [decision, setDecision] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const field = `decision-${pair.id}`;
  const noteField = `note-${pair.id}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = decision ? [] : [{ field, message: t('duplicates.decisionRequired') }];
    setErrors(found);
    if (found.length > 0) return;
    setSending(true);
    try {
      const body =
        decision === 'distinct'
          ? { decision: 'distinct' }
          : {
              decision: 'duplicate',
              keepPersonId: decision === 'keepA' ? pair.personA.personId : pair.personB.personId,
            };
      await api(`/api/duplicates/${pair.id}/review`, {
        method: 'POST',
        body: { ...body, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      onDone(
        `${describe(pair.personA)} / ${describe(pair.personB)}: ${decision === 'distinct' ? t('duplicates.distinctDone') : t('duplicates.merged')}`,
      );
      await client.invalidateQueries({ queryKey: ['duplicates'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    } finally {
      setSending(false);
    }
  }

  const person = (p: Person) => (
    <>
      {describe(p)}, {formatDate(p.birthDate)}, {p.pinfl ?? '—'} <Source source={p.source} />
    </>
  );
  return (
    <li className="card" data-testid="duplicate-pair">
      <h2>
        {describe(pair.personA)} / {describe(pair.personB)}
      </h2>
      <SummaryList
        rows={[
          { key: t('duplicates.personA'), value: person(pair.personA) },
          { key: t('duplicates.personB'), value: person(pair.personB) },
          {
            key: t('duplicates.reason'),
            value: `${t(`duplicates.reasons.${isReason(pair.reason) ? pair.reason : 'other'}`)} · ${t(
              'duplicates.score',
              { value: formatNumber(pair.score) },
            )}`,
          },
        ]}
      />
      <form onSubmit={submit} noValidate>
        <ErrorSummary errors={errors} />
        <Radios
          id={field}
          legend={t('duplicates.decision')}
          value={decision}
          onChange={setDecision}
          error={errors.find((e) => e.field === field)?.message}
          options={[
            { value: 'keepA', label: t('duplicates.keepA') },
            { value: 'keepB', label: t('duplicates.keepB') },
            { value: 'distinct', label: t('duplicates.distinct') },
          ]}
        />
        <TextInput id={noteField} label={t('duplicates.note')} value={note} onChange={setNote} />
        <Button disabled={sending}>{t('duplicates.submit')}</Button>
      </form>
    </li>
  );
}

function DuplicatesPage() {
  const { t } = useTranslation(['common', 'duplicates', 'staff']);
  const pairs = useQuery<{ items: Pair[]; total: number }>({
    queryKey: ['duplicates'],
    queryFn: () => api('/api/duplicates?status=pending&pageSize=20'),
  });
  const [done, setDone] = useState('');
  const forbidden = pairs.error instanceof ApiError && pairs.error.status === 403;
  return (
    <>
      <BackLink to="/staff" />
      <PageTitle>{t('duplicates.title')}</PageTitle>
      <p className="lead">{t('duplicates.lead')}</p>
      <p role="status" data-testid="review-result">
        {done}
      </p>
      {pairs.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {pairs.isError && !forbidden ? <ErrorMessage error={pairs.error} /> : null}
      {pairs.data?.items.length === 0 ? <p>{t('duplicates.none')}</p> : null}
      <ul className="card-list">
        {pairs.data?.items.map((pair) => (
          <Review key={pair.id} pair={pair} onDone={setDone} />
        ))}
      </ul>
    </>
  );
}

export default function Duplicates() {
  return <StaffOnly>{() => <DuplicatesPage />}</StaffOnly>;
}
