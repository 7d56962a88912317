-- Payments (issue 14, src/payments/): what is paid to whom, once, on a double-entry ledger that is never
-- rewritten. The payable unit is a household-programme-month (`payment_line`); a line is sent to a bank in a
-- batch (`payment_attempt`); the bank's result file says paid or rejected (`payment_outcome`); a rejected
-- line is sent again in a later batch. Every movement of money is one `ledger_entry` (a debit and a credit
-- of the same amount). Nothing here is ever updated or deleted: triggers refuse it, as for the audit log.

-- The finance officer: builds and approves payrolls, exports bank files, imports results.
alter table role_grant drop constraint role_grant_role_check;
alter table role_grant add constraint role_grant_role_check
  check (role in ('citizen', 'social_worker', 'district_officer', 'disability_assessor', 'commission_member',
                  'youth_officer', 'regional_admin', 'auditor', 'vendor', 'agency_client', 'finance'));

-- Where a household is paid: a bank card (16 digits) or account (20 digits) of a member. At most one open
-- account per household; a new one closes the old (the only update allowed here: closed_at).
create table payment_account (
  id uuid primary key,
  household_id uuid not null references household (id),
  holder_person_id uuid not null references person (id),
  kind text not null check (kind in ('card', 'account')),
  -- The bank's code (MFO, 5 digits).
  bank_code text not null check (bank_code ~ '^[0-9]{5}$'),
  number text not null check ((kind = 'card' and number ~ '^[0-9]{16}$') or (kind = 'account' and number ~ '^[0-9]{20}$')),
  opened_at timestamptz not null default now(),
  closed_at timestamptz,
  source text not null check (length(source) between 1 and 100)
);
create unique index payment_account_open_idx on payment_account (household_id) where closed_at is null;

-- Why a household's payments wait: an open hold stops its lines from being sent (they stay payable).
create table payment_hold (
  id bigint generated always as identity primary key,
  household_id uuid not null references household (id),
  reason text not null check (reason in ('fraud_suspected', 'data_mismatch', 'account_problem')),
  opened_at timestamptz not null default now(),
  opened_by text not null,
  closed_at timestamptz,
  closed_by text,
  check ((closed_at is null) = (closed_by is null))
);
create index payment_hold_open_idx on payment_hold (household_id) where closed_at is null;

-- One build of one programme's payroll for one month. The unique key is what makes two builds started at
-- once produce one: the second waits for the first's row, then finds it.
create table payroll_run (
  id bigint generated always as identity primary key,
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  programme text not null references programme (id),
  built_at timestamptz not null default now(),
  built_by text not null,
  unique (month, programme)
);

-- A household-programme-month payable: 'regular' (the run's month), 'arrears' (an earlier month a
-- backdated decision made payable), 'correction' (the difference a later decision made to a month that
-- already has its line; negative when it lowered it: an overpayment to recover, never sent to a bank).
-- A line's household and programme are its decision's: one composite foreign key holds both (and that the
-- decision exists), checked once per line instead of three single keys (the household and the programme
-- exist because the decision names them).
create unique index decision_household_programme_key on decision (id, household_id, programme);
create table payment_line (
  id bigint generated always as identity primary key,
  run_id bigint not null references payroll_run (id),
  household_id uuid not null,
  programme text not null,
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  kind text not null check (kind in ('regular', 'arrears', 'correction')),
  amount bigint not null check (amount <> 0),
  -- The decision that made it payable (or changed it).
  decision_id bigint not null,
  corrects_line_id bigint references payment_line (id),
  created_at timestamptz not null default now(),
  foreign key (decision_id, household_id, programme) references decision (id, household_id, programme),
  check ((kind = 'correction') = (corrects_line_id is not null)),
  check (kind = 'correction' or amount > 0)
);
-- Paying the same household-programme-month twice is impossible: one line per month...
create unique index payment_line_month_idx on payment_line (household_id, programme, month)
  where kind <> 'correction';
-- ...and one correction per line per decision.
create unique index payment_line_correction_idx on payment_line (corrects_line_id, decision_id)
  where kind = 'correction';
create index payment_line_run_idx on payment_line (run_id);
create index payment_line_programme_month_idx on payment_line (programme, month);

-- A line a build could not send, and why: an open hold of the household, no open account to pay to, or an
-- account whose holder has died. The next build of the programme takes it up again.
create table payment_line_hold (
  line_id bigint not null references payment_line (id),
  run_id bigint not null references payroll_run (id),
  reason text not null
    check (reason in ('fraud_suspected', 'data_mismatch', 'account_problem', 'no_account', 'holder_deceased')),
  primary key (line_id, run_id)
);
create index payment_line_hold_run_idx on payment_line_hold (run_id);

-- A batch: the lines of one run sent to one bank for one district. Approved by finance officers: one, or
-- two different ones when the total is above the four-eyes limit in force when it was built.
create table payment_batch (
  id bigint generated always as identity primary key,
  reference text not null unique check (reference ~ '^PB[0-9A-Z-]{6,40}$'),
  run_id bigint not null references payroll_run (id),
  bank_code text not null check (bank_code ~ '^[0-9]{5}$'),
  district_code text not null references district (code),
  lines integer not null check (lines > 0),
  total bigint not null check (total > 0),
  approvals_required smallint not null check (approvals_required in (1, 2)),
  created_at timestamptz not null default now(),
  unique (run_id, bank_code, district_code)
);

create table payment_batch_approval (
  batch_id bigint not null references payment_batch (id),
  account_id uuid not null references account (id),
  approved_at timestamptz not null default now(),
  primary key (batch_id, account_id)
);

-- The bank file made of an approved batch; made once, the same bytes given on every later download.
create table payment_batch_export (
  batch_id bigint primary key references payment_batch (id),
  file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  lines_sha256 text not null check (lines_sha256 ~ '^[0-9a-f]{64}$'),
  exported_at timestamptz not null default now(),
  exported_by uuid not null references account (id)
);

-- A line sent in a batch to an account. A line rejected by the bank is sent again in a later batch.
create table payment_attempt (
  id bigint generated always as identity primary key,
  reference text not null unique check (reference ~ '^PL[0-9A-Z]{6,30}$'),
  line_id bigint not null references payment_line (id),
  batch_id bigint not null references payment_batch (id),
  account_id uuid not null references payment_account (id),
  amount bigint not null check (amount > 0),
  unique (line_id, batch_id)
);
create index payment_attempt_batch_idx on payment_attempt (batch_id);
create index payment_attempt_line_idx on payment_attempt (line_id);

-- A bank's result file, kept by its hash: the same file imported again is recognised and applies nothing.
create table bank_result_file (
  sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
  batch_id bigint not null references payment_batch (id),
  lines integer not null,
  paid integer not null,
  rejected integer not null,
  imported_at timestamptz not null default now(),
  imported_by uuid not null references account (id)
);

create table payment_outcome (
  attempt_id bigint primary key references payment_attempt (id),
  line_id bigint not null references payment_line (id),
  outcome text not null check (outcome in ('paid', 'rejected')),
  reason text check (reason in ('wrong_card', 'closed_account', 'holder_mismatch', 'limit_exceeded', 'technical')),
  result_file text not null references bank_result_file (sha256),
  recorded_at timestamptz not null default now(),
  check ((outcome = 'paid') = (reason is null))
);
-- A line is paid at most once, whatever happens to its attempts.
create unique index payment_outcome_paid_once_idx on payment_outcome (line_id) where outcome = 'paid';

-- The double-entry ledger: each row debits one account and credits another by the same amount, so every
-- movement balances by construction. Accounts: 'expense:<programme>' (the budget paid out),
-- 'payable:families' (owed, not yet sent), 'transit:<bank>' (sent, not yet answered),
-- 'treasury' (money that left), 'recoverable:families' (overpaid, to recover).
create table ledger_entry (
  id bigint generated always as identity primary key,
  posted_at timestamptz not null default now(),
  kind text not null check (kind in ('accrued', 'overpaid', 'sent', 'paid', 'returned')),
  debit text not null check (debit ~ '^(expense|payable|transit|treasury|recoverable)(:[a-z0-9_]+)?$'),
  credit text not null check (credit ~ '^(expense|payable|transit|treasury|recoverable)(:[a-z0-9_]+)?$'),
  amount bigint not null check (amount > 0),
  line_id bigint not null references payment_line (id),
  attempt_id bigint references payment_attempt (id),
  check (debit <> credit)
);
create index ledger_entry_line_idx on ledger_entry (line_id);

create function payments_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger payroll_run_append_only before update or delete on payroll_run
  for each row execute function payments_refuse_change();
create trigger payment_line_append_only before update or delete on payment_line
  for each row execute function payments_refuse_change();
create trigger payment_line_hold_append_only before update or delete on payment_line_hold
  for each row execute function payments_refuse_change();
create trigger payment_batch_append_only before update or delete on payment_batch
  for each row execute function payments_refuse_change();
create trigger payment_batch_approval_append_only before update or delete on payment_batch_approval
  for each row execute function payments_refuse_change();
create trigger payment_batch_export_append_only before update or delete on payment_batch_export
  for each row execute function payments_refuse_change();
create trigger payment_attempt_append_only before update or delete on payment_attempt
  for each row execute function payments_refuse_change();
create trigger bank_result_file_append_only before update or delete on bank_result_file
  for each row execute function payments_refuse_change();
create trigger payment_outcome_append_only before update or delete on payment_outcome
  for each row execute function payments_refuse_change();
create trigger ledger_entry_append_only before update or delete on ledger_entry
  for each row execute function payments_refuse_change();
