import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Checkboxes, ErrorSummary, type FieldError, Select, TextInput } from '../../ds/index.tsx';
import { AreaPicker, type AreaRef, SCOPES, scopeKey, useAreaName } from './admin-parts.tsx';

export interface MachineClient {
  id: string;
  agency: string;
  scopes: string[];
  area: AreaRef | null;
  callbackUris: string[];
  defaultCallbackUri: string | null;
  signingKey: { jwk: Record<string, unknown>; thumbprint: string } | null;
  disabled: boolean;
  pendingRequestId: string | null;
}

const CLIENT_ID = /^[a-z0-9._-]{3,64}$/;

/** What the form asks the API for: every field of a new client, or the changed ones of an existing one. */
export type ClientBody = Record<string, unknown>;

/**
 * A machine client's onboarding fields: name and agency (new clients), permissions, area, callback
 * addresses, the default callback and the public signing key.
 */
export function ClientForm(props: {
  existing?: MachineClient;
  submitLabel: string;
  onSubmit: (body: ClientBody) => Promise<void>;
  serverErrors: FieldError[];
}) {
  const { t } = useTranslation(['admin']);
  const areaName = useAreaName();
  const c = props.existing;
  const [clientId, setClientId] = useState('');
  const [agency, setAgency] = useState('');
  const [scopes, setScopes] = useState<string[]>(c?.scopes ?? []);
  const [area, setArea] = useState<AreaRef | null | undefined>(undefined);
  const [uris, setUris] = useState((c?.callbackUris ?? []).join('\n'));
  const [defaultUri, setDefaultUri] = useState(c?.defaultCallbackUri ?? '');
  const initialKey = c?.signingKey ? JSON.stringify(c.signingKey.jwk, null, 2) : '';
  const [key, setKey] = useState(initialKey);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;
  const lines = uris
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = [];
    if (!c && !CLIENT_ID.test(clientId.trim().toLowerCase()))
      found.push({ field: 'clientId', message: t('admin.clientIdInvalid') });
    if (!c && !agency.trim()) found.push({ field: 'agency', message: t('admin.agencyRequired') });
    if (!c && area === undefined) found.push({ field: 'area', message: t('admin.areaRequired') });
    let jwk: Record<string, unknown> | null | undefined;
    if (key.trim() !== initialKey.trim()) {
      try {
        jwk = key.trim() ? (JSON.parse(key) as Record<string, unknown>) : null;
        if (jwk !== null && (typeof jwk !== 'object' || Array.isArray(jwk))) throw new Error('not an object');
      } catch {
        found.push({ field: 'signingKey', message: t('admin.signingKeyInvalid') });
      }
    }
    setErrors(found);
    if (found.length > 0) return;
    await props.onSubmit({
      ...(c ? {} : { id: clientId.trim().toLowerCase(), agency: agency.trim() }),
      scopes,
      ...(area !== undefined ? { area: area ? { kind: area.kind, code: area.code } : null } : {}),
      callbackUris: lines,
      defaultCallbackUri: lines.includes(defaultUri) ? defaultUri : null,
      ...(jwk !== undefined ? { signingJwk: jwk } : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    });
  }

  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary errors={[...errors, ...props.serverErrors]} />
      {c ? null : (
        <>
          <TextInput
            id="clientId"
            label={t('admin.clientId')}
            hint={t('admin.usernameHint')}
            value={clientId}
            onChange={setClientId}
            autoComplete="off"
            error={errorOf('clientId')}
          />
          <TextInput
            id="agency"
            label={t('admin.agency')}
            value={agency}
            onChange={setAgency}
            error={errorOf('agency')}
          />
        </>
      )}
      <Checkboxes
        id="scopes"
        legend={t('admin.scopes')}
        values={scopes}
        onChange={setScopes}
        options={SCOPES.map((s) => ({ value: s, label: t(scopeKey(s)) }))}
      />
      <fieldset>
        <legend>{t('admin.area')}</legend>
        {c ? <p>{areaName(c.area)}</p> : null}
        <AreaPicker id="area" value={area} onChange={setArea} error={errorOf('area')} />
      </fieldset>
      <TextInput
        id="callbackUris"
        label={t('admin.callbackUris')}
        hint={t('admin.callbackUrisHint')}
        value={uris}
        onChange={setUris}
        multiline
      />
      <Select
        id="defaultCallbackUri"
        label={t('admin.defaultCallback')}
        hint={t('admin.defaultCallbackHint')}
        value={lines.includes(defaultUri) ? defaultUri : ''}
        onChange={setDefaultUri}
        options={[{ value: '', label: t('admin.noDefault') }, ...lines.map((l) => ({ value: l, label: l }))]}
      />
      <TextInput
        id="signingKey"
        label={t('admin.signingKey')}
        hint={t('admin.signingKeyHint')}
        value={key}
        onChange={setKey}
        multiline
        error={errorOf('signingKey')}
      />
      <TextInput
        id="reason"
        label={t('admin.reason')}
        hint={t('admin.reasonHint')}
        value={reason}
        onChange={setReason}
        multiline
      />
      <Button>{props.submitLabel}</Button>
    </form>
  );
}
