import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { organisationName } from '../../../../src/shared/organisations.ts';
import { api } from '../../api.ts';
import { Button, type FieldError, Select, TextInput } from '../../ds/index.tsx';
import { currentLanguage, dataKey } from '../../i18n.ts';

/**
 * Pieces the administration screens share: grants, scopes and areas in people's words (areas by their
 * names from the territory API, never a bare code), the area picker, the grant editor and the one-time
 * secret. The server checks everything again.
 */

export type Names = Record<'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en', string>;
export interface AreaRef {
  kind: 'region' | 'district' | 'mahalla';
  code: string;
  names: Names | null;
}
export interface Grant {
  role: string;
  area: AreaRef | null;
  organisation: string;
  registryWide?: boolean;
}

export const STAFF_ROLES = [
  'social_worker',
  'district_officer',
  'disability_assessor',
  'commission_member',
  'youth_officer',
  'regional_admin',
  'auditor',
  'vendor',
  'finance',
] as const;

export const SCOPES = [
  'registry.read',
  'dci.search',
  'dci.subscribe',
  'events.push',
  'events.push:any',
  'intake.submit',
  'notifications.callback',
] as const;

/** i18next reads '.' and ':' in a key as separators: 'events.push:any' is labelled under 'events_push_any'. */
export const scopeKey = (scope: string) => dataKey('scope', scope.replace(/[.:]/g, '_'));

export function useAreaName(): (area: AreaRef | null) => string {
  const { t } = useTranslation(['admin', 'notifications', 'role', 'scope']);
  return (area) => {
    if (!area) return t('admin.wholeCountry');
    return area.names?.[currentLanguage()] ?? area.code;
  };
}

export function GrantText({ grant }: { grant: Grant }) {
  const { t } = useTranslation(['admin', 'notifications', 'role', 'scope']);
  const areaName = useAreaName();
  const organisation = organisationName(grant.organisation, currentLanguage());
  return (
    <>
      {t(dataKey('role', grant.role))} — {areaName(grant.area)} ({organisation})
    </>
  );
}

interface Unit {
  code: string;
  names: Names;
}

/** The area a grant or a client covers: a region, a district or a mahalla (or, optionally, none). */
export function AreaPicker(props: {
  id: string;
  value: AreaRef | null | undefined;
  onChange: (area: AreaRef | null | undefined) => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation(['admin', 'notifications', 'role', 'scope']);
  const language = currentLanguage();
  const [region, setRegion] = useState('');
  const [district, setDistrict] = useState('');
  const [mahalla, setMahalla] = useState('');
  const regions = useQuery<{ items: Unit[] }>({
    queryKey: ['territory', 'regions'],
    queryFn: () => api('/api/territory/regions'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const districts = useQuery<{ items: Unit[] }>({
    queryKey: ['territory', 'districts', region],
    queryFn: () => api(`/api/territory/regions/${region}/districts`),
    enabled: /^\d+$/.test(region),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const mahallas = useQuery<{ items: Unit[] }>({
    queryKey: ['territory', 'mahallas', district],
    queryFn: () => api(`/api/territory/districts/${district}/mahallas`),
    enabled: district !== '',
    staleTime: Number.POSITIVE_INFINITY,
  });
  const named = (items: Unit[] | undefined) =>
    (items ?? []).map((u) => ({ value: u.code, label: u.names[language] }));
  const pick = (r: string, d: string, m: string) => {
    setRegion(r);
    setDistrict(d);
    setMahalla(m);
    const find = (items: Unit[] | undefined, code: string) =>
      items?.find((u) => u.code === code)?.names ?? null;
    if (r === '') props.onChange(undefined);
    else if (r === '*') props.onChange(null);
    else if (m) props.onChange({ kind: 'mahalla', code: m, names: find(mahallas.data?.items, m) });
    else if (d) props.onChange({ kind: 'district', code: d, names: find(districts.data?.items, d) });
    else props.onChange({ kind: 'region', code: r, names: find(regions.data?.items, r) });
  };
  return (
    <>
      <Select
        id={props.id}
        label={t('admin.region')}
        value={region}
        error={props.error}
        onChange={(r) => pick(r, '', '')}
        options={[
          { value: '', label: t('admin.chooseRegion') },
          { value: '*', label: t('admin.wholeCountry') },
          ...named(regions.data?.items),
        ]}
      />
      {/^\d+$/.test(region) ? (
        <Select
          id={`${props.id}-district`}
          label={t('admin.district')}
          value={district}
          onChange={(d) => pick(region, d, '')}
          options={[{ value: '', label: t('admin.wholeRegion') }, ...named(districts.data?.items)]}
        />
      ) : null}
      {district ? (
        <Select
          id={`${props.id}-mahalla`}
          label={t('admin.mahalla')}
          value={mahalla}
          onChange={(m) => pick(region, district, m)}
          options={[{ value: '', label: t('admin.wholeDistrict') }, ...named(mahallas.data?.items)]}
        />
      ) : null}
    </>
  );
}

/** The grants of an account being made or changed: the list, each removable, and a form to add one. */
export function GrantEditor(props: { grants: Grant[]; onChange: (grants: Grant[]) => void }) {
  const { t } = useTranslation(['admin', 'notifications', 'role', 'scope']);
  const [role, setRole] = useState('');
  const [area, setArea] = useState<AreaRef | null | undefined>(undefined);
  const [organisation, setOrganisation] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;
  const add = () => {
    const found: FieldError[] = [];
    if (!role) found.push({ field: 'grant-role', message: t('admin.roleRequired') });
    if (area === undefined) found.push({ field: 'grant-area', message: t('admin.areaRequired') });
    if (!organisation.trim())
      found.push({ field: 'grant-organisation', message: t('admin.organisationRequired') });
    setErrors(found);
    if (found.length > 0 || area === undefined) return;
    // One grant per role and area (the server keeps one too).
    const same = (g: Grant) => g.role === role && (g.area?.code ?? null) === (area?.code ?? null);
    props.onChange([
      ...props.grants.filter((g) => !same(g)),
      { role, area, organisation: organisation.trim() },
    ]);
    setRole('');
  };
  return (
    <section aria-labelledby="grants-title">
      <h2 id="grants-title">{t('admin.grants')}</h2>
      {props.grants.length === 0 ? <p>{t('admin.grantsNone')}</p> : null}
      <ul className="card-list" data-testid="grant-list">
        {props.grants.map((grant, index) => (
          <li className="card" key={`${grant.role}:${grant.area?.code ?? '*'}`}>
            <p>
              <GrantText grant={grant} />
            </p>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => props.onChange(props.grants.filter((_, i) => i !== index))}
            >
              {t('admin.removeGrant')}
              <span className="visually-hidden">
                : {t(dataKey('role', grant.role))}, {organisationName(grant.organisation, currentLanguage())}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <fieldset className="card">
        <legend>{t('admin.addGrantTitle')}</legend>
        <Select
          id="grant-role"
          label={t('admin.role')}
          value={role}
          error={errorOf('grant-role')}
          onChange={setRole}
          options={[
            { value: '', label: t('admin.chooseRole') },
            ...STAFF_ROLES.map((r) => ({ value: r, label: t(dataKey('role', r)) })),
          ]}
        />
        <AreaPicker id="grant-area" value={area} onChange={setArea} error={errorOf('grant-area')} />
        <TextInput
          id="grant-organisation"
          label={t('admin.organisation')}
          hint={t('admin.organisationHint')}
          value={organisation}
          onChange={setOrganisation}
          error={errorOf('grant-organisation')}
        />
        <Button type="button" variant="secondary" onClick={add}>
          {t('admin.addGrant')}
        </Button>
      </fieldset>
    </section>
  );
}

/** What the API takes for a grant: the area as kind and code only. */
export const grantBody = (g: Grant) => ({
  role: g.role,
  area: g.area ? { kind: g.area.kind, code: g.area.code } : null,
  organisation: g.organisation,
});

/** A secret shown once: a warning, the text, and a copy button. */
export function SecretOnce({ secret }: { secret: string }) {
  const { t } = useTranslation(['admin', 'notifications', 'role', 'scope']);
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-box" data-testid="secret-once">
      <h2>{t('admin.secretTitle')}</h2>
      <p>
        <strong>{t('admin.secretWarning')}</strong>
      </p>
      <p>
        <code className="secret" data-testid="secret">
          {secret}
        </code>
      </p>
      <Button
        type="button"
        variant="secondary"
        onClick={() => {
          void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
        }}
      >
        {t('admin.copy')}
      </Button>
      <p role="status">{copied ? t('admin.copied') : ''}</p>
    </div>
  );
}
