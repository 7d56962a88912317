import { type ReactNode, type Ref, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../api.ts';
import { codeLabel } from '../labels.ts';

/**
 * The design system: a few components in the spirit of the GOV.UK Design System. One thing per page,
 * a visible heading that takes focus on arrival, labels and hints tied to their fields, errors summarised
 * at the top with links to the fields.
 */

export function PageTitle({ children, caption }: { children: ReactNode; caption?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const text = ref.current?.textContent;
    if (text) document.title = `${text} — Himoya`;
    // A screen-reader user hears the new page's title after a client-side navigation.
    if (document.activeElement === document.body || document.activeElement === null) ref.current?.focus();
  });
  return (
    <>
      {caption ? <span className="caption">{caption}</span> : null}
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
    </>
  );
}

export interface FieldError {
  field: string;
  message: string;
}

export function ErrorSummary({ errors }: { errors: FieldError[] }) {
  const { t } = useTranslation(['common']);
  const ref = useRef<HTMLDivElement>(null);
  // Unique per summary: a page with several forms (the duplicates worklist) may show more than one.
  const titleId = useId();
  useEffect(() => {
    if (errors.length > 0) ref.current?.focus();
  }, [errors]);
  if (errors.length === 0) return null;
  return (
    <div className="error-summary" ref={ref} tabIndex={-1} role="alert" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('common.errorSummary')}</h2>
      <ul>
        {errors.map((e) => (
          <li key={`${e.field}:${e.message}`}>
            {e.field ? (
              <a
                href={`#${e.field}`}
                onClick={(event) => {
                  event.preventDefault();
                  document.getElementById(e.field)?.focus();
                }}
              >
                {e.message}
              </a>
            ) : (
              e.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function ErrorText({ id, message }: { id: string; message: string | undefined }) {
  const { t } = useTranslation(['common']);
  if (!message) return null;
  return (
    <p className="field-error" id={`${id}-error`}>
      <span className="visually-hidden">{t('common.error')}: </span>
      {message}
    </p>
  );
}

export function TextInput(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'password' | 'search';
  autoComplete?: string;
  width?: 'short' | 'full';
  multiline?: boolean;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id: props.id,
    name: props.id,
    value: props.value,
    'aria-describedby': describedBy || undefined,
    'aria-invalid': props.error ? true : undefined,
    className: `input ${props.width === 'short' ? 'input-short' : ''}`,
  };
  return (
    <div className={`field ${props.error ? 'field-has-error' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint ? (
        <p className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <ErrorText id={props.id} message={props.error} />
      {props.multiline ? (
        <textarea {...common} rows={4} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete}
          spellCheck={false}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </div>
  );
}

export function Radios(props: {
  id: string;
  legend: string;
  hint?: string;
  error?: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field ${props.error ? 'field-has-error' : ''}`}>
      <fieldset aria-describedby={describedBy || undefined}>
        <legend>{props.legend}</legend>
        {props.hint ? (
          <p className="hint" id={`${props.id}-hint`}>
            {props.hint}
          </p>
        ) : null}
        <ErrorText id={props.id} message={props.error} />
        <div className="radios">
          {props.options.map((option, index) => (
            <div className="radio" key={option.value}>
              <input
                type="radio"
                // The first option carries the group's id, so the error summary's link lands on it.
                id={index === 0 ? props.id : `${props.id}-${option.value}`}
                name={props.id}
                value={option.value}
                checked={props.value === option.value}
                onChange={() => props.onChange(option.value)}
              />
              <label htmlFor={index === 0 ? props.id : `${props.id}-${option.value}`}>{option.label}</label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export function Select(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field ${props.error ? 'field-has-error' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint ? (
        <p className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <ErrorText id={props.id} message={props.error} />
      <select
        id={props.id}
        name={props.id}
        className="input"
        value={props.value}
        aria-describedby={describedBy || undefined}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Several choices at once (the checkbox twin of Radios). */
export function Checkboxes(props: {
  id: string;
  legend: string;
  hint?: string;
  error?: string;
  values: string[];
  options: { value: string; label: string }[];
  onChange: (values: string[]) => void;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const toggle = (value: string) =>
    props.onChange(
      props.values.includes(value) ? props.values.filter((v) => v !== value) : [...props.values, value],
    );
  return (
    <div className={`field ${props.error ? 'field-has-error' : ''}`}>
      <fieldset aria-describedby={describedBy || undefined}>
        <legend>{props.legend}</legend>
        {props.hint ? (
          <p className="hint" id={`${props.id}-hint`}>
            {props.hint}
          </p>
        ) : null}
        <ErrorText id={props.id} message={props.error} />
        <div className="radios">
          {props.options.map((option, index) => {
            const id = index === 0 ? props.id : `${props.id}-${index}`;
            return (
              <div className="radio" key={option.value}>
                <input
                  type="checkbox"
                  id={id}
                  name={props.id}
                  value={option.value}
                  checked={props.values.includes(option.value)}
                  onChange={() => toggle(option.value)}
                />
                <label htmlFor={id}>{option.label}</label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/**
 * A file to upload (PDF, JPEG or PNG), with its label, hint and error tied to it. The page keeps the input's
 * ref to read the chosen file; the id is `file`, so an error summary can link to it.
 */
export function FileField(props: {
  label: string;
  hint: string;
  error?: string;
  inputRef: Ref<HTMLInputElement>;
}) {
  return (
    <div className={`field ${props.error ? 'field-has-error' : ''}`}>
      <label htmlFor="file">{props.label}</label>
      <p className="hint" id="file-hint">
        {props.hint}
      </p>
      <ErrorText id="file" message={props.error} />
      <input
        ref={props.inputRef}
        id="file"
        name="file"
        type="file"
        className="file-input"
        accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        aria-describedby={props.error ? 'file-hint file-error' : 'file-hint'}
        aria-invalid={props.error ? true : undefined}
      />
    </div>
  );
}

export function Button(props: {
  children: ReactNode;
  type?: 'submit' | 'button';
  variant?: 'primary' | 'secondary' | 'warning';
  onClick?: () => void;
  disabled?: boolean;
}) {
  return (
    <button
      type={props.type ?? 'submit'}
      className={`button button-${props.variant ?? 'primary'}`}
      onClick={props.onClick}
      disabled={props.disabled}
    >
      {props.children}
    </button>
  );
}

export function BackLink({ to }: { to: string }) {
  const { t } = useTranslation(['common']);
  return (
    <Link className="back-link" to={to}>
      {t('common.back')}
    </Link>
  );
}

export function Panel({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="panel">
      <PageTitle>{title}</PageTitle>
      {children ? <div className="panel-body">{children}</div> : null}
    </div>
  );
}

export function SummaryList({ rows }: { rows: { key: string; value: ReactNode }[] }) {
  return (
    <dl className="summary-list">
      {rows.map((row) => (
        <div className="summary-row" key={row.key}>
          <dt>{row.key}</dt>
          <dd>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A status shown in words, with a shape as well as a colour. */
export function Tag({ tone, children }: { tone: 'green' | 'grey' | 'blue' | 'red'; children: ReactNode }) {
  return <strong className={`tag tag-${tone}`}>{children}</strong>;
}

export function Loading() {
  const { t } = useTranslation(['common']);
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation(['common']);
  const message = error instanceof ApiError ? error.message : t('common.error');
  return (
    <div className="error-summary" role="alert">
      <h2>{t('common.error')}</h2>
      <p>{message}</p>
    </div>
  );
}

export function Source({ source }: { source: string }) {
  const { t } = useTranslation(['common', 'codes']);
  return <span className="source">{t('common.source', { source: codeLabel('source', source) })}</span>;
}

/** Maps an API error to the error summary: the message of the catalogue, already in our language. */
export function apiErrors(error: unknown, fallback: string): FieldError[] {
  return [{ field: '', message: error instanceof ApiError ? error.message : fallback }];
}
