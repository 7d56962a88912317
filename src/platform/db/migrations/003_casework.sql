-- Casework: manual overrides of decisions under the four-eyes rule (one officer proposes, another approves).

create table override_request (
  -- Made by the client: a retried request finds the row it already wrote.
  id uuid primary key,
  household_id uuid not null references household (id),
  programme text not null check (programme in ('social_registry', 'child_allowance', 'material_assistance')),
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  -- What the entitlement becomes: so'm a month (Social Registry: benefit share in per mille) and/or category.
  amount bigint check (amount >= 0),
  category text,
  reason text not null check (length(reason) > 0),
  legal_basis text not null check (length(legal_basis) > 0),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  requested_by text not null,
  reviewed_by text,
  review_note text,
  -- The decision the approval wrote: analytics counts overrides by this link.
  decision_id bigint references decision (id),
  created_at timestamptz not null default now(),
  reviewed_at timestamptz,
  check (amount is not null or category is not null),
  -- Four eyes, in the data too: the approver is never the requester (who may still withdraw, i.e. reject).
  check (status <> 'approved' or reviewed_by <> requested_by),
  check ((status = 'approved') = (decision_id is not null))
);
create index override_request_status_idx on override_request (status, created_at);
create index override_request_household_idx on override_request (household_id, programme);

-- Appeals against a decision, with a due date counted in working days and every transition recorded.
create table appeal (
  id uuid primary key,
  decision_id bigint not null references decision (id),
  household_id uuid not null references household (id),
  grounds text not null check (length(grounds) > 0),
  status text not null default 'submitted'
    check (status in ('submitted', 'under_review', 'upheld', 'overturned', 'withdrawn')),
  submitted_by text not null,
  submitted_on date not null,
  due_on date not null,
  -- The pending override an overturned appeal proposes (it still needs a second officer's approval).
  override_id uuid references override_request (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index appeal_status_idx on appeal (status, due_on);

create table appeal_event (
  id bigint generated always as identity primary key,
  appeal_id uuid not null references appeal (id),
  from_status text,
  to_status text not null,
  actor text not null,
  note text,
  at timestamptz not null default now()
);
create index appeal_event_appeal_idx on appeal_event (appeal_id, id);

-- Applications by families not found proactively: pre-check, questionnaire, mahalla opinion, decision.
create table application (
  id uuid primary key,
  household_id uuid not null references household (id),
  programme text not null check (programme in ('social_registry', 'child_allowance', 'material_assistance')),
  channel text not null check (channel in ('portal', 'social_worker', 'mygov', 'centre')),
  submitted_on date not null,
  submitted_by text not null,
  -- By the cut-off day the month applied in, otherwise the next one.
  decision_month text not null,
  status text not null default 'submitted'
    check (status in ('submitted', 'questionnaire_done', 'mahalla_opinion', 'decided')),
  precheck_entitled boolean not null,
  precheck_category text not null,
  questionnaire_by text,
  questionnaire_on date,
  mahalla_supports boolean,
  mahalla_by text,
  mahalla_on date,
  -- The final assessment is due this many working days after the last step.
  due_on date,
  decided_on date,
  outcome_entitled boolean,
  outcome_category text,
  outcome_amount bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index application_status_idx on application (status, due_on);
