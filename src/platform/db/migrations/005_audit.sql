-- Audit trail, citizens' complaints about an access, and consent records (src/audit, src/consent).
-- The Law on Personal Data (ZRU-547) wants every access by an official to have a purpose and be logged;
-- the log is append-only and hash-chained so that a changed, removed or inserted entry is detected.

-- The chain head: the last seq and hash appended. Appenders lock this one row `for update`, inside their own
-- transaction, so seq stays dense (no gaps from rolled-back sequences) and two server processes never
-- link to the same predecessor. It also lets `verify` notice a deleted last entry.
create table audit_chain_head (
  id boolean primary key default true check (id),
  last_seq bigint not null check (last_seq >= 0),
  last_hash text not null
);
insert into audit_chain_head (id, last_seq, last_hash) values (true, 0, repeat('0', 64));

create table audit_log (
  seq bigint primary key check (seq > 0),
  at timestamptz not null,
  actor_kind text not null check (actor_kind in ('staff', 'citizen', 'machine', 'system', 'anonymous')),
  actor_id text,
  role text,
  organisation text,
  -- 'mahalla:1733212001', 'district:1733212', 'region:1733'; null for roles without an area.
  area text,
  -- Null for in-worklist access; an access outside the worklist states one of src/audit/purposes.ts.
  purpose text,
  action text not null,
  resource_type text not null,
  resource_id text,
  subject_person_ids uuid[] not null default '{}',
  subject_household_ids uuid[] not null default '{}',
  fields text[] not null default '{}',
  request_id text,
  prev_hash text not null,
  hash text not null unique
);
-- The citizen's "who looked at my data": GIN over the subject arrays (an OR of two bitmap index scans).
create index audit_log_subject_person_idx on audit_log using gin (subject_person_ids);
create index audit_log_subject_household_idx on audit_log using gin (subject_household_ids);
create index audit_log_actor_idx on audit_log (actor_id, seq);
create index audit_log_at_idx on audit_log (at);

-- Append-only in the database itself, whatever the application does. A DBA can still disable the trigger
-- (or use session_replication_role = replica); the hash chain is what catches that.
create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();
-- The head row moves forward only (updates), it is never removed.
create trigger audit_chain_head_keep before delete on audit_chain_head
  for each row execute function audit_log_refuse_change();
create trigger audit_chain_head_no_truncate before truncate on audit_chain_head
  for each statement execute function audit_log_refuse_change();

-- A citizen's complaint about one access of their data. The id is made by the client (a retry with the same
-- id and text changes nothing).
create table access_complaint (
  id uuid primary key,
  seq bigint not null references audit_log (seq),
  person_id uuid not null references person (id),
  text text not null check (length(text) between 1 and 4000),
  status text not null default 'open' check (status in ('open', 'answered', 'closed')),
  answer text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index access_complaint_person_idx on access_complaint (person_id, created_at);
create index access_complaint_open_idx on access_complaint (created_at) where status = 'open';

-- Consent to share data with a counterpart (an agency or programme, '*' for all) or to receive proactive
-- offers. Withdrawal keeps the row and records the time, so "what was in force on that day" stays answerable.
create table consent (
  id uuid primary key,
  person_id uuid not null references person (id),
  kind text not null check (kind in ('data_sharing', 'proactive_offers')),
  counterpart text not null,
  granted_at timestamptz not null default now(),
  withdrawn_at timestamptz check (withdrawn_at is null or withdrawn_at >= granted_at),
  channel text not null check (channel in ('portal', 'social_worker', 'my.gov.uz')),
  recorded_by text not null,
  withdrawn_by text
);
-- At most one consent in force per person, kind and counterpart: a repeated grant is a no-op.
create unique index consent_in_force_idx on consent (person_id, kind, counterpart) where withdrawn_at is null;
create index consent_person_idx on consent (person_id, granted_at);
