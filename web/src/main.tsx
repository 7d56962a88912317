import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError } from './api.ts';
import { initI18n } from './i18n.ts';
import { Layout } from './layout.tsx';
import './styles.css';

// Each page is its own chunk: the first page loads only what it shows (the budget in web/README.md).
const Start = lazy(() => import('./pages/start.tsx'));
const NotFound = lazy(() => import('./pages/not-found.tsx'));
const CitizenHome = lazy(() => import('./pages/citizen/home.tsx'));
const Household = lazy(() => import('./pages/citizen/household.tsx'));
const Report = lazy(() => import('./pages/citizen/report.tsx'));
const ReportDone = lazy(() => import('./pages/citizen/report-done.tsx'));
const ReportFact = lazy(() => import('./pages/citizen/report-fact.tsx'));
const Offers = lazy(() => import('./pages/citizen/offers.tsx'));
const Offer = lazy(() => import('./pages/citizen/offer.tsx'));
const Notifications = lazy(() => import('./pages/citizen/notifications.tsx'));
const AccessLog = lazy(() => import('./pages/citizen/access-log.tsx'));
const Apply = lazy(() => import('./pages/citizen/apply.tsx'));
const ApplyDone = lazy(() => import('./pages/citizen/apply-done.tsx'));
const Applications = lazy(() => import('./pages/citizen/applications.tsx'));
const Documents = lazy(() => import('./pages/citizen/documents.tsx'));
const Decisions = lazy(() => import('./pages/citizen/decisions.tsx'));
const CitizenDecision = lazy(() => import('./pages/citizen/decision.tsx'));
const Appeals = lazy(() => import('./pages/citizen/appeals.tsx'));
const AppealNew = lazy(() => import('./pages/citizen/appeal-new.tsx'));
const AppealDone = lazy(() => import('./pages/citizen/appeal-done.tsx'));
const Cases = lazy(() => import('./pages/citizen/cases.tsx'));
const CitizenPayments = lazy(() => import('./pages/citizen/payments.tsx'));
const StaffHome = lazy(() => import('./pages/staff/home.tsx'));
const Worklist = lazy(() => import('./pages/staff/worklist.tsx'));
const FactContest = lazy(() => import('./pages/staff/fact-contest.tsx'));
const Overrides = lazy(() => import('./pages/staff/overrides.tsx'));
const Search = lazy(() => import('./pages/staff/search.tsx'));
const Record = lazy(() => import('./pages/staff/record.tsx'));
const Decision = lazy(() => import('./pages/staff/decision.tsx'));
const ProposeOverride = lazy(() => import('./pages/staff/propose-override.tsx'));
const Duplicates = lazy(() => import('./pages/staff/duplicates.tsx'));
const Audit = lazy(() => import('./pages/staff/audit.tsx'));
const Accounts = lazy(() => import('./pages/staff/accounts.tsx'));
const NewAccount = lazy(() => import('./pages/staff/account-new.tsx'));
const AccountScreen = lazy(() => import('./pages/staff/account.tsx'));
const Clients = lazy(() => import('./pages/staff/clients.tsx'));
const NewClient = lazy(() => import('./pages/staff/client-new.tsx'));
const ClientScreen = lazy(() => import('./pages/staff/client.tsx'));
const AdminRequests = lazy(() => import('./pages/staff/admin-requests.tsx'));
const DeadLetters = lazy(() => import('./pages/staff/dead-letters.tsx'));
const OutboxState = lazy(() => import('./pages/staff/outbox-state.tsx'));
const Payments = lazy(() => import('./pages/staff/payments.tsx'));
const PaymentBatch = lazy(() => import('./pages/staff/payment-batch.tsx'));
const Payroll = lazy(() => import('./pages/staff/payroll.tsx'));
const Reconciliation = lazy(() => import('./pages/staff/reconciliation.tsx'));
const ReturnedPayments = lazy(() => import('./pages/staff/returned-payments.tsx'));

const client = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/** Renders once the language and the words every page shows (layout, common) are loaded. */
function render(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <BrowserRouter>
          <Layout>
            <Routes>
              <Route path="/" element={<Start />} />
              <Route path="/citizen" element={<CitizenHome />} />
              <Route path="/citizen/household" element={<Household />} />
              <Route path="/citizen/household/report" element={<ReportFact />} />
              <Route path="/citizen/household/report/:personId" element={<Report />} />
              <Route path="/citizen/household/report-sent/:id" element={<ReportDone />} />
              <Route path="/citizen/benefits" element={<Offers />} />
              <Route path="/citizen/benefits/:decisionId" element={<Offer />} />
              <Route path="/citizen/notifications" element={<Notifications />} />
              <Route path="/citizen/access-log" element={<AccessLog />} />
              <Route path="/citizen/apply" element={<Apply />} />
              <Route path="/citizen/apply/sent/:id" element={<ApplyDone />} />
              <Route path="/citizen/applications" element={<Applications />} />
              <Route path="/citizen/documents" element={<Documents />} />
              <Route path="/citizen/decisions" element={<Decisions />} />
              <Route path="/citizen/decisions/:id" element={<CitizenDecision />} />
              <Route path="/citizen/appeals" element={<Appeals />} />
              <Route path="/citizen/appeals/new/:decisionId" element={<AppealNew />} />
              <Route path="/citizen/appeals/sent/:id" element={<AppealDone />} />
              <Route path="/citizen/cases" element={<Cases />} />
              <Route path="/citizen/payments" element={<CitizenPayments />} />
              <Route path="/staff" element={<StaffHome />} />
              <Route path="/staff/overrides" element={<Overrides />} />
              <Route path="/staff/worklists/:list" element={<Worklist />} />
              <Route path="/staff/change-requests/:id" element={<FactContest />} />
              <Route path="/staff/households" element={<Search />} />
              <Route path="/staff/households/:id" element={<Record />} />
              <Route path="/staff/households/:id/override" element={<ProposeOverride />} />
              <Route path="/staff/decisions/:id" element={<Decision />} />
              <Route path="/staff/duplicates" element={<Duplicates />} />
              <Route path="/staff/audit" element={<Audit />} />
              <Route path="/staff/accounts" element={<Accounts />} />
              <Route path="/staff/accounts/new" element={<NewAccount />} />
              <Route path="/staff/accounts/:id" element={<AccountScreen />} />
              <Route path="/staff/clients" element={<Clients />} />
              <Route path="/staff/clients/new" element={<NewClient />} />
              <Route path="/staff/clients/:id" element={<ClientScreen />} />
              <Route path="/staff/admin-requests" element={<AdminRequests />} />
              <Route path="/staff/dead-letters" element={<DeadLetters />} />
              <Route path="/staff/outbox" element={<OutboxState />} />
              <Route path="/staff/payments" element={<Payments />} />
              <Route path="/staff/payments/batches/:id" element={<PaymentBatch />} />
              <Route path="/staff/payments/payroll" element={<Payroll />} />
              <Route path="/staff/payments/reconciliation" element={<Reconciliation />} />
              <Route path="/staff/payments/returned" element={<ReturnedPayments />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Layout>
        </BrowserRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
}

const root = document.getElementById('root');
// Rendered even if a message file failed to load: the keys show, rather than a blank page.
if (root) void initI18n().finally(() => render(root));
