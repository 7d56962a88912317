-- Decisions: what the rules engine decided for each household and programme, month by month, with the
-- trace that explains it, and the entitlements in force that the next evaluation compares against.

create table evaluation_run (
  id bigint generated always as identity primary key,
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  trigger text not null check (trigger in ('nightly', 'manual', 'household')),
  status text not null default 'queued' check (status in ('queued', 'running', 'finished', 'failed')),
  job_id text,
  parameters_digest text,
  households_evaluated integer not null default 0,
  decisions_written integer not null default 0,
  error text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index evaluation_run_month_idx on evaluation_run (month, status);

-- The trace of one household's evaluation, shared by the decisions it led to (one per programme).
create table decision_trace (
  id bigint generated always as identity primary key,
  household_id uuid not null references household (id),
  month text not null,
  run_id bigint not null references evaluation_run (id),
  parameters_digest text not null,
  trace jsonb not null,
  created_at timestamptz not null default now()
);
create index decision_trace_household_idx on decision_trace (household_id, month);

create table decision (
  id bigint generated always as identity primary key,
  household_id uuid not null references household (id),
  programme text not null check (programme in ('social_registry', 'child_allowance', 'material_assistance')),
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  kind text not null check (kind in ('granted', 'amount_changed', 'ended')),
  category_before text not null,
  category_after text not null,
  -- So'm per month; for the Social Registry itself the benefit share in per mille (a share of 0.75 = 750).
  amount_before bigint not null,
  amount_after bigint not null,
  -- The decision this one follows (null for the first): the same transition is never written twice.
  previous_decision_id bigint references decision (id),
  trace_id bigint not null references decision_trace (id),
  parameters_digest text not null,
  run_id bigint not null references evaluation_run (id),
  created_at timestamptz not null default now()
);
create unique index decision_transition_key
  on decision (household_id, programme, month, coalesce(previous_decision_id, 0));
create index decision_household_idx on decision (household_id, programme, month);
create index decision_month_idx on decision (month, kind);
create index decision_run_idx on decision (run_id);

create table entitlement (
  household_id uuid not null references household (id),
  programme text not null,
  category text not null,
  amount bigint not null,
  from_month text not null,
  -- Last month entitled; null while the entitlement runs.
  to_month text,
  -- Month of the last decision: an evaluation of an earlier month never rewrites a later state.
  decided_month text not null,
  last_decision_id bigint not null references decision (id),
  updated_at timestamptz not null default now(),
  primary key (household_id, programme)
);
