-- Inter-agency data exchange (src/integration): the ledger of applied inbound records, the quarantine,
-- pull cursors with circuit-breaker state, per-agency staging tables (COPY targets) and medical records.

-- One row per agency record or event applied: the idempotency key (agency, record_id). A re-pulled record
-- or a re-pushed event finds its row and is not applied again. Pushed events keep their payload.
create table inbound_record (
  agency text not null,
  record_id text not null,
  batch_id bigint not null,
  channel text not null check (channel in ('pull', 'push')),
  received_at timestamptz not null,
  applied_at timestamptz not null default now(),
  payload jsonb,
  -- When the proactive services were told of the life event this record reported (null: not yet, or
  -- not a life event); a resend of an event whose reaction failed reacts again.
  reacted_at timestamptz,
  primary key (agency, record_id)
);

create sequence inbound_batch_seq;

-- Records that failed validation or could not be applied (unknown PINFL, mother without a household...),
-- with the reason and the raw payload; the same payload seen again only counts up.
create table quarantine (
  id bigint generated always as identity primary key,
  agency text not null,
  record_id text,
  channel text not null check (channel in ('pull', 'push')),
  reason text not null,
  details jsonb,
  payload jsonb not null,
  payload_hash text not null,
  received_at timestamptz not null,
  last_seen_at timestamptz not null default now(),
  times_seen integer not null default 1,
  unique (agency, payload_hash)
);
create index quarantine_received_idx on quarantine (received_at desc);

-- Where each agency's pull stands, and its circuit breaker (kept here so every process agrees).
create table integration_cursor (
  agency text primary key,
  cursor text,
  last_pull_at timestamptz,
  last_success_at timestamptz,
  last_error text,
  consecutive_failures integer not null default 0,
  breaker_state text not null default 'closed' check (breaker_state in ('closed', 'open', 'half_open')),
  breaker_opened_at timestamptz,
  records_applied bigint not null default 0,
  records_duplicate bigint not null default 0,
  records_quarantined bigint not null default 0
);

-- Diagnoses and referrals from medical records (for the disability assessment).
create table medical_record (
  id bigint generated always as identity primary key,
  person_id uuid not null references person (id),
  agency_record_id text not null unique,
  kind text not null check (kind in ('diagnosis', 'referral')),
  icd10 text not null check (icd10 ~ '^[A-Z][0-9]{2}(\.[0-9]{1,2})?$'),
  description text,
  referred_to text,
  recorded_on date not null,
  source text not null
);
create index medical_record_person_idx on medical_record (person_id);

-- Staging: COPY targets of validated records, one batch id per ingest; emptied by the batch's apply.
-- Unlogged: a crash loses only batches not yet applied, whose cursor did not move.
create unlogged table stage_tax (
  batch_id bigint not null, record_id text not null, pinfl text not null, kind text not null,
  amount bigint not null, month date not null
);
create index stage_tax_batch_idx on stage_tax (batch_id);
create unlogged table stage_pension (
  batch_id bigint not null, record_id text not null, pinfl text not null, type text not null,
  on_date date not null, amount bigint, sector text
);
create index stage_pension_batch_idx on stage_pension (batch_id);
create unlogged table stage_cadastre (
  batch_id bigint not null, record_id text not null, cadastre_number text not null, owner_pinfl text not null,
  kind text not null, area_m2 numeric(8, 1) not null
);
create index stage_cadastre_batch_idx on stage_cadastre (batch_id);
create unlogged table stage_vehicle (
  batch_id bigint not null, record_id text not null, plate text not null, owner_pinfl text not null,
  make text not null, model_year integer not null
);
create index stage_vehicle_batch_idx on stage_vehicle (batch_id);
create unlogged table stage_bank (
  batch_id bigint not null, record_id text not null, pinfl text not null, balance bigint not null,
  as_of date not null, bank text not null
);
create index stage_bank_batch_idx on stage_bank (batch_id);
create unlogged table stage_medical (
  batch_id bigint not null, record_id text not null, pinfl text not null, kind text not null, icd10 text not null,
  description text, referred_to text, recorded_on date not null
);
create index stage_medical_batch_idx on stage_medical (batch_id);
create unlogged table stage_civil (
  batch_id bigint not null, record_id text not null, type text not null, on_date date not null, payload jsonb not null
);
create index stage_civil_batch_idx on stage_civil (batch_id);
