import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import {
  isReportFact,
  PER_PERSON_FACTS,
  REPORT_FACTS,
  type ReportFact,
} from '../../../../src/shared/report-facts.ts';
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
  Radios,
  Select,
  SummaryList,
  TextInput,
} from '../../ds/index.tsx';
import { codeLabel } from '../../labels.ts';
import { CitizenOnly } from '../guard.tsx';
import { agencyOf, shownValueOf } from './fact-view.ts';
import { useMe } from './home.tsx';
import { useHousehold } from './household.tsx';
import { memberName } from './types.ts';
import { fileProblem, uploadDocument } from './upload.ts';

const MAX_COMMENT = 2000;

/**
 * "Report a mistake" for any fact the family is shown (issue 12, point 8): reached from the household page
 * (`?fact=income&person=…`) or from a decision's explanation (`?fact=income&decision=42`). The family says
 * what is wrong in its own words and may attach a document; the report goes to the district office, which
 * sends it to the agency the fact comes from.
 */
function ReportFactForm() {
  const { t } = useTranslation(['common', 'report', 'codes', 'documents']);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const me = useMe();
  const household = useHousehold(me.data?.householdId);
  const given = params.get('fact') ?? '';
  const [fact, setFact] = useState<string>(isReportFact(given) ? given : '');
  const [personId, setPersonId] = useState(params.get('person') ?? '');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const [id] = useState(newId);
  const [documentId] = useState(newId);
  const file = useRef<HTMLInputElement>(null);
  if (me.isPending || household.isPending) return <Loading />;
  if (me.isError) return <ErrorMessage error={me.error} />;
  if (!me.data.householdId) return <p>{t('common.none')}</p>;
  if (household.isError) return <ErrorMessage error={household.error} />;
  const h = household.data;
  const decision = Number(params.get('decision'));
  const decisionId = Number.isInteger(decision) && decision > 0 ? decision : undefined;
  const chosen: ReportFact | undefined = isReportFact(fact) ? fact : undefined;
  const perPerson = chosen !== undefined && PER_PERSON_FACTS.has(chosen);
  const member = perPerson ? h.members.find((m) => m.personId === personId) : undefined;
  const shown = chosen ? shownValueOf(h, chosen, member?.personId ?? null) : null;
  const agency = chosen ? agencyOf(h, chosen, member?.personId ?? null) : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = [];
    const text = comment.trim();
    const upload = file.current?.files?.[0];
    if (!chosen) found.push({ field: 'fact', message: t('report.factRequired') });
    if (!text) found.push({ field: 'comment', message: t('report.commentRequired') });
    else if (text.length > MAX_COMMENT) found.push({ field: 'comment', message: t('report.commentTooLong') });
    const problem = upload ? fileProblem(upload) : undefined;
    if (problem === 'wrongType') found.push({ field: 'file', message: t('report.fileWrongType') });
    else if (problem === 'tooLarge') found.push({ field: 'file', message: t('report.fileTooLarge') });
    setErrors(found);
    if (found.length > 0 || !chosen) return;
    setSending(true);
    try {
      if (upload) {
        try {
          await uploadDocument(documentId, upload);
        } catch (error) {
          // The catalogue's message (too large, not what its type says) belongs to the file field.
          setErrors(apiErrors(error, t('common.error')).map((e) => ({ ...e, field: 'file' })));
          return;
        }
      }
      await api('/api/change-requests/fact-contests', {
        method: 'POST',
        body: {
          id,
          householdId: h.id,
          fact: chosen,
          ...(member ? { personId: member.personId } : {}),
          ...(shown ? { shownValue: shown.slice(0, 300) } : {}),
          comment: text,
          ...(decisionId ? { decisionId } : {}),
          documentIds: upload ? [documentId] : [],
        },
      });
      navigate(`/citizen/household/report-sent/${id}`);
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    } finally {
      setSending(false);
    }
  }

  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;
  const fileError = errorOf('file');
  return (
    <>
      <BackLink to="/citizen/household" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('report.factTitle')}</PageTitle>
      <form onSubmit={submit} noValidate>
        <Radios
          id="fact"
          legend={t('report.factLegend')}
          hint={t('report.factHint')}
          value={fact}
          onChange={setFact}
          error={errorOf('fact')}
          options={REPORT_FACTS.map((f) => ({ value: f, label: t(`report.facts.${f}`) }))}
        />
        {perPerson ? (
          <Select
            id="person"
            label={t('report.member')}
            hint={t('report.memberHint')}
            value={personId}
            onChange={setPersonId}
            error={errorOf('person')}
            options={[
              { value: '', label: t('report.wholeFamily') },
              ...h.members.map((m) => ({ value: m.personId, label: memberName(m) })),
            ]}
          />
        ) : null}
        {chosen ? (
          <SummaryList
            rows={[
              { key: t('report.shown'), value: shown ?? t('report.shownNone') },
              { key: t('report.agency'), value: codeLabel('source', agency) },
            ]}
          />
        ) : null}
        <TextInput
          id="comment"
          label={t('report.comment')}
          hint={t('report.commentHint')}
          value={comment}
          onChange={setComment}
          error={errorOf('comment')}
          multiline
        />
        <FileField
          label={t('report.file')}
          hint={t('report.fileHint')}
          error={fileError || undefined}
          inputRef={file}
        />
        <Button disabled={sending}>{t('report.factSubmit')}</Button>
      </form>
    </>
  );
}

export default function ReportFactPage() {
  return <CitizenOnly>{() => <ReportFactForm />}</CitizenOnly>;
}
