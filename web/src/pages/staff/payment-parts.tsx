import { useQueries, useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { CATALOGUE } from '../../../../src/programs/catalogue.ts';
import { api } from '../../api.ts';
import { formatMonth } from '../../format.ts';
import { currentLanguage } from '../../i18n.ts';

/**
 * What the finance screens share: their navigation, the programmes paid monthly, the months to choose
 * from, and districts by their names (from the territory API, never a bare code).
 */

/** A payroll run as GET /api/payments/runs (and POST, with `created`) answers it. */
export interface Run {
  id: number;
  month: string;
  programme: string;
  builtAt: string;
  lines: number;
  total: number;
  heldLines: number;
  heldTotal: number;
  batches: number;
  batchTotal: number;
  created?: boolean;
}

/** A batch as GET /api/payments/batches[/:id] answers it. */
export interface Batch {
  id: number;
  reference: string;
  month: string;
  programme: string;
  bankCode: string;
  districtCode: string;
  lines: number;
  total: number;
  approvalsRequired: number;
  approvals: number;
  approvedByMe: boolean;
  status: string;
  exportedAt: string | null;
  paid: number;
  rejected: number;
}

/** The links between the finance officer's payments screens. */
export function PaymentsNav() {
  const { t } = useTranslation(['payments']);
  const links = [
    ['/staff/payments', 'payments.nav.batches'],
    ['/staff/payments/payroll', 'payments.nav.payroll'],
    ['/staff/payments/reconciliation', 'payments.nav.reconciliation'],
  ] as const;
  return (
    <nav aria-label={t('payments.nav.label')}>
      <ul className="compact-list">
        {links.map(([to, label]) => (
          <li key={to}>
            <NavLink to={to} end>
              {t(label)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * A wide table: it scrolls sideways inside its own region rather than squeezing words apart; while it
 * does, the region takes focus so that a keyboard can scroll it too.
 */
export function TableRegion({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const region = ref.current;
    if (!region) return;
    const check = () => setScrolls(region.scrollWidth > region.clientWidth);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(region);
    if (region.firstElementChild) observer.observe(region.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <section
      ref={ref}
      className="table-wrap data-table"
      aria-label={label}
      tabIndex={scrolls ? 0 : undefined}
    >
      {children}
    </section>
  );
}

/** The programmes paid every month in so'm: the ones a payroll is built for. */
export function monthlyProgrammes(): string[] {
  return CATALOGUE.filter((p) => p.payment.schedule === 'monthly' && p.outcome.kind === 'amount').map(
    (p) => p.id,
  );
}

/** This month and the `count - 1` before it, newest first, as 'YYYY-MM'. */
export function recentMonths(count: number, now = new Date()): string[] {
  return Array.from({ length: count }, (_, i) =>
    new Date(Date.UTC(now.getFullYear(), now.getMonth() - i, 1)).toISOString().slice(0, 7),
  );
}

/** The runs built so far (newest month first): their months are the ones worth choosing. */
export function useRuns() {
  return useQuery<{ items: Run[] }>({
    queryKey: ['payments', 'runs'],
    queryFn: () => api('/api/payments/runs'),
  });
}

/** Month options for a filter: "all months", then the months that have a payroll. */
export function useMonthOptions(): { value: string; label: string }[] {
  const { t } = useTranslation(['payments']);
  const runs = useRuns();
  const months = [...new Set((runs.data?.items ?? []).map((r) => r.month))].sort().reverse();
  return [
    { value: '', label: t('payments.allMonths') },
    ...months.map((m) => ({ value: m, label: formatMonth(m) })),
  ];
}

interface District {
  code: string;
  names: Record<'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en', string>;
}

/** A district's name in the current language, by its code; the region's list is read once per region. */
export function useDistrictName(codes: readonly string[]): (code: string) => string {
  const { t } = useTranslation(['payments']);
  // A district's SOATO code starts with its region's four digits.
  const regions = [...new Set(codes.map((c) => c.slice(0, 4)).filter((r) => /^[0-9]{4}$/.test(r)))].sort();
  const lists = useQueries({
    queries: regions.map((region) => ({
      queryKey: ['territory', 'districts', region],
      queryFn: () => api<{ items: District[] }>(`/api/territory/regions/${region}/districts`),
      staleTime: Number.POSITIVE_INFINITY,
    })),
  });
  const byCode = new Map<string, District>();
  for (const list of lists) for (const d of list.data?.items ?? []) byCode.set(d.code, d);
  return (code) => byCode.get(code)?.names[currentLanguage()] ?? t('payments.unknownDistrict');
}
