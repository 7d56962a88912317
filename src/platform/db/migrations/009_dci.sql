-- The DCI Social Registry API (src/dci): transactions received from agencies' systems, the status of each
-- request in them, event subscriptions, and the outbox of callbacks and notifications delivered by jobs.

-- One message received (search, subscribe, unsubscribe, txn-status), idempotent per client by its
-- transaction_id: the same transaction sent again is answered from here, never run twice.
create table dci_transaction (
  client_id text not null,
  kind text not null check (kind in ('search', 'subscribe', 'unsubscribe', 'txn-status')),
  transaction_id text not null check (length(transaction_id) between 1 and 99),
  correlation_id text not null unique,
  mode text not null check (mode in ('sync', 'async')),
  -- sha256 of the canonical message: a transaction_id reused with another message is refused.
  message_hash text not null,
  sender_id text not null,
  sender_uri text,
  message jsonb not null,
  -- The area scope (src/access/policies.ts Scope) and audit identity of the caller when it was received,
  -- so that a job searching later applies exactly what the request was allowed.
  scope jsonb not null,
  audit_actor jsonb not null,
  purpose text,
  status text not null check (status in ('rcvd', 'pdng', 'succ', 'rjct')),
  -- The answer's message (SearchResponse, SubscribeResponse, ...) once there is one.
  response jsonb,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  primary key (client_id, kind, transaction_id)
);

-- Each request of a batch (search_request[] / subscribe_request[] items) and its status.
create table dci_request (
  client_id text not null,
  kind text not null,
  transaction_id text not null,
  reference_id text not null,
  status text not null check (status in ('rcvd', 'pdng', 'succ', 'rjct')),
  status_reason_code text,
  record_count integer,
  updated_at timestamptz not null default now(),
  primary key (client_id, kind, transaction_id, reference_id),
  foreign key (client_id, kind, transaction_id) references dci_transaction (client_id, kind, transaction_id)
);

create table dci_subscription (
  code text primary key,
  client_id text not null,
  transaction_id text not null,
  reference_id text not null,
  reg_event_type text not null,
  filter_type text not null check (filter_type in ('idtype-value', 'expression', 'predicate')),
  filter jsonb not null,
  notify_record_type text not null,
  -- Where notifications go: the subscriber's /registry/notify.
  notify_uri text not null,
  scope jsonb not null,
  audit_actor jsonb not null,
  status text not null check (status in ('subscribe', 'unsubscribe')),
  created_at timestamptz not null default now(),
  unsubscribed_at timestamptz,
  unique (client_id, transaction_id, reference_id)
);
create index dci_subscription_event_idx on dci_subscription (reg_event_type) where status = 'subscribe';

-- Callbacks (on-search, on-subscribe, on-unsubscribe, txn/on-status) and notifications waiting for, or
-- done with, delivery. A notification is unique per subscription and registry event (dedupe_key): an event
-- reported twice is delivered once.
create table dci_outbox (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('on-search', 'on-subscribe', 'on-unsubscribe', 'txn-on-status', 'notify')),
  client_id text not null,
  url text not null,
  body jsonb not null,
  subscription_code text references dci_subscription (code),
  event_id text,
  -- 'on-search:<correlation_id>', 'notify:<subscription code>:<event id>': one delivery per answer or event.
  dedupe_key text not null unique,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index dci_outbox_pending_idx on dci_outbox (created_at) where status = 'pending';
