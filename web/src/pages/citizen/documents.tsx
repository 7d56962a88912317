import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, newId } from '../../api.ts';
import {
  apiErrors,
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  FileField,
  Loading,
  PageTitle,
} from '../../ds/index.tsx';
import { formatDate, formatDateTime, formatNumber } from '../../format.ts';
import { CitizenOnly } from '../guard.tsx';
import { useApplications } from './applications.tsx';
import type { DocumentView } from './types.ts';
import { fileProblem, uploadDocument } from './upload.ts';

function DocumentsPage() {
  const { t } = useTranslation(['common', 'documents']);
  const client = useQueryClient();
  const [params] = useSearchParams();
  const applicationId = params.get('application') ?? undefined;
  const applications = useApplications();
  const documents = useQuery<{ items: DocumentView[] }>({
    queryKey: ['documents'],
    queryFn: () => api('/api/me/documents'),
  });
  const input = useRef<HTMLInputElement>(null);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const [done, setDone] = useState('');
  const application = applications.data?.items.find((a) => a.id === applicationId);

  async function upload(event: FormEvent) {
    event.preventDefault();
    setDone('');
    const file = input.current?.files?.[0];
    const found: FieldError[] = [];
    const problem = file ? fileProblem(file) : undefined;
    if (!file) found.push({ field: 'file', message: t('documents.fileRequired') });
    else if (problem === 'wrongType') found.push({ field: 'file', message: t('documents.wrongType') });
    else if (problem === 'tooLarge') found.push({ field: 'file', message: t('documents.tooLarge') });
    setErrors(found);
    if (!file || found.length > 0) return;
    setSending(true);
    try {
      await uploadDocument(newId(), file, applicationId);
      if (input.current) input.current.value = '';
      setDone(t('documents.uploaded', { name: file.name }));
      await client.invalidateQueries({ queryKey: ['documents'] });
    } catch (error) {
      // The server's catalogue message (DOCUMENT_TOO_LARGE, DOCUMENT_TYPE_NOT_ALLOWED) belongs to the field.
      setErrors(apiErrors(error, t('common.error')).map((e) => ({ ...e, field: 'file' })));
    } finally {
      setSending(false);
    }
  }

  const fileError = errors.find((e) => e.field === 'file')?.message;
  const items = (documents.data?.items ?? []).filter(
    (d) => !applicationId || d.applicationId === applicationId,
  );
  return (
    <>
      <BackLink to={applicationId ? '/citizen/applications' : '/citizen'} />
      <ErrorSummary errors={errors} />
      <PageTitle
        caption={
          application
            ? t('documents.forApplication', { date: formatDate(application.submittedOn) })
            : undefined
        }
      >
        {t('documents.title')}
      </PageTitle>
      <form onSubmit={upload} noValidate>
        <FileField
          label={t('documents.file')}
          hint={t('documents.fileHint')}
          error={fileError || undefined}
          inputRef={input}
        />
        <Button disabled={sending}>{t('documents.upload')}</Button>
      </form>
      <p role="status" data-testid="upload-status">
        {done}
      </p>
      <h2>{t('documents.list')}</h2>
      {documents.isPending ? <Loading /> : null}
      {documents.isError ? <ErrorMessage error={documents.error} /> : null}
      {documents.data && items.length === 0 ? <p>{t('documents.none')}</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table data-testid="documents">
            <caption className="visually-hidden">{t('documents.list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('documents.name')}</th>
                <th scope="col">{t('documents.size')}</th>
                <th scope="col">{t('documents.uploadedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td>
                    <a href={`/api/me/documents/${d.id}/content`}>{d.filename}</a>
                  </td>
                  <td>
                    {t('documents.kb', { value: formatNumber(Math.max(1, Math.round(d.size / 1024))) })}
                  </td>
                  <td>{formatDateTime(d.uploadedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

export default function Documents() {
  return <CitizenOnly>{() => <DocumentsPage />}</CitizenOnly>;
}
