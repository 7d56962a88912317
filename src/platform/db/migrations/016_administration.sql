-- Administration of staff accounts and machine clients (src/administration): the four-eyes requests that
-- give a registry-wide reach, and the creations administrators made (for safe retries).

-- A change that gives an account or a machine client a registry-wide reach (ADR 004) waits here until a
-- second administrator approves it; nothing of it is in force before.
create table admin_request (
  id uuid primary key,
  target_kind text not null check (target_kind in ('account', 'machine_client')),
  -- account.id (a uuid as text) or machine_client.id.
  target_id text not null check (length(target_id) between 1 and 64),
  -- The reach asked for: {"grants":[...]} for an account, {"scopes":[...],"area":...} for a client.
  change jsonb not null,
  -- The reach when proposed: an approval is refused if it moved meanwhile (the approver saw another state).
  before jsonb not null,
  -- The regions the change reaches, for the reviewers' worklist; null when it has a grant of no area
  -- (only an administrator without an area may review it).
  reach_regions text[],
  reason text not null check (length(reason) between 1 and 2000),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  proposed_by uuid not null references account (id),
  reviewed_by uuid references account (id),
  review_note text check (length(review_note) <= 2000),
  created_at timestamptz not null default now(),
  reviewed_at timestamptz,
  check ((status = 'pending') = (reviewed_by is null)),
  check ((status = 'pending') = (reviewed_at is null)),
  -- Four eyes, in the data too: the approver is never the proposer (who may still withdraw, i.e. reject),
  check (status <> 'approved' or reviewed_by <> proposed_by),
  -- nor the account the change is about.
  check (status <> 'approved' or target_kind <> 'account' or target_id <> reviewed_by::text)
);
-- One change at a time per account or client: a retried proposal finds the one it made.
create unique index admin_request_one_pending on admin_request (target_kind, target_id)
  where status = 'pending';
create index admin_request_status_idx on admin_request (status, created_at);

-- What each administrator's creation carried, by the created record's id: a retry with the same content
-- is answered again, other content under that id is a conflict. Secrets are not part of the digest.
create table admin_creation (
  target_kind text not null check (target_kind in ('account', 'machine_client')),
  target_id text not null,
  payload_digest text not null check (payload_digest ~ '^[0-9a-f]{64}$'),
  -- The four-eyes request the creation opened, if its reach needed one.
  request_id uuid references admin_request (id),
  created_by uuid not null references account (id),
  created_at timestamptz not null default now(),
  primary key (target_kind, target_id)
);
