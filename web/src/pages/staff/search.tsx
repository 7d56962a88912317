import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import {
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
  TextInput,
} from '../../ds/index.tsx';
import { formatNumber } from '../../format.ts';
import { StaffOnly } from './guard.tsx';

interface Row {
  id: string;
  reference: string;
  address: string;
  memberCount: number;
  head: { firstName: string | null; lastName: string | null } | null;
}

function SearchPage() {
  const { t } = useTranslation(['search']);
  const [params, setParams] = useSearchParams();
  const name = params.get('q') ?? params.get('name') ?? '';
  const [value, setValue] = useState(name);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const results = useQuery<{ items: Row[]; total: number }>({
    queryKey: ['search', name],
    queryFn: () => api(`/api/households?pageSize=25&q=${encodeURIComponent(name)}`),
    enabled: name.length >= 2,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (value.trim().length < 2) {
      setErrors([{ field: 'name', message: t('search.nameRequired') }]);
      return;
    }
    setErrors([]);
    setParams({ q: value.trim() });
  }
  return (
    <>
      <BackLink to="/staff" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('search.title')}</PageTitle>
      <form onSubmit={submit} noValidate>
        <TextInput
          id="name"
          label={t('search.name')}
          hint={t('search.nameHint')}
          value={value}
          onChange={setValue}
          error={errors[0]?.message}
        />
        <Button>{t('search.submit')}</Button>
      </form>
      {results.isFetching ? <Loading /> : null}
      {results.isError ? <ErrorMessage error={results.error} /> : null}
      {results.data ? (
        <>
          <h2 role="status">
            {t('search.results', { count: results.data.total, value: formatNumber(results.data.total) })}
          </h2>
          <ul className="card-list">
            {results.data.items.map((h) => (
              <li className="card" key={h.id}>
                <Link to={`/staff/households/${h.id}`}>
                  {h.head ? `${h.head.lastName ?? ''} ${h.head.firstName ?? ''}` : h.reference}
                </Link>
                <p>
                  {t('search.reference')}: {h.reference}
                </p>
                <p>
                  {h.address} · {t('search.members')}: {formatNumber(h.memberCount)}
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export default function Search() {
  return <StaffOnly>{() => <SearchPage />}</StaffOnly>;
}
