-- Composite services: one life event (a birth, a death, a new job) starts several services together, and
-- the family's case records each step, so staff and the family see one case instead of scattered records.
create table service_case (
  id uuid primary key,
  -- The agency's event id: the same event reported twice opens one case.
  event_id text not null,
  source text not null,
  kind text not null,
  occurred_on date not null,
  household_ids uuid[] not null,
  person_ids uuid[] not null,
  status text not null default 'open' check (status in ('open', 'done', 'failed')),
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  unique (source, event_id)
);
create index service_case_households_idx on service_case using gin (household_ids);

create table service_case_step (
  id bigint generated always as identity primary key,
  case_id uuid not null references service_case (id),
  step text not null,
  status text not null check (status in ('done', 'skipped', 'failed')),
  detail jsonb not null default '{}'::jsonb,
  at timestamptz not null default now(),
  unique (case_id, step)
);
