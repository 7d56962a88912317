-- One outbox for every message Himoya sends to a person or a partner's system (src/outbox): SMS, the
-- status callbacks of my.gov.uz applications, DCI callbacks and notifications. The contexts keep their own
-- record of what was sent (notification, intake_callback, dci_outbox); this table drives the delivery:
-- when to try, how often it was tried, and why it was given up.

create table outbox_message (
  id uuid primary key,
  -- Which registered handler delivers it: 'sms', 'intake_callback', 'dci_callback', ...
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{1,40}$'),
  -- What the handler needs (ids of the context's own record, never the whole text when that is stored there).
  payload jsonb not null,
  -- Where it goes, for people reading dead letters: a phone number or a partner's address.
  target text not null check (length(target) between 1 and 2000),
  -- A message's name in its context: the same key is never queued twice, so a retried enqueue is a no-op.
  idempotency_key text not null unique check (length(idempotency_key) between 1 and 300),
  -- Messages of one key are delivered in the order they were queued (the statuses of one application).
  order_key text,
  seq bigint generated always as identity,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts integer not null default 0 check (attempts >= 0),
  -- Due time of the next attempt; while an attempt runs, the end of its lease.
  next_attempt_at timestamptz not null default now(),
  last_error text,
  -- Why it was given up, in words a member of staff can act on.
  dead_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivered_at timestamptz,
  dead_at timestamptz,
  check ((status = 'dead') = (dead_reason is not null))
);
create index outbox_message_due_idx on outbox_message (next_attempt_at) where status = 'pending';
create index outbox_message_order_idx on outbox_message (order_key, seq) where status = 'pending';
create index outbox_message_dead_idx on outbox_message (kind, dead_at desc) where status = 'dead';

-- What the three earlier delivery mechanisms still had to send is carried over, so nothing is lost.
insert into outbox_message (id, kind, payload, target, idempotency_key, attempts, next_attempt_at, created_at)
select gen_random_uuid(), 'sms', jsonb_build_object('notificationId', n.id), n.phone, 'sms:' || n.id,
  n.attempts, coalesce(n.next_attempt_at, now()), n.created_at
from notification n
where n.channel = 'sms' and n.status in ('queued', 'sending') and n.phone is not null;

insert into outbox_message (id, kind, payload, target, idempotency_key, order_key, attempts, next_attempt_at,
  created_at)
select gen_random_uuid(), 'intake_callback', jsonb_build_object('callbackId', c.id), a.callback_url,
  'intake_callback:' || c.id, 'intake:' || c.application_id, c.attempts, c.next_attempt_at, c.created_at
from intake_callback c
join intake_application a on a.application_id = c.application_id
where c.state in ('queued', 'sending')
order by c.application_id,
  array_position(array['submitted', 'questionnaire_done', 'mahalla_opinion', 'decided'], c.status);

insert into outbox_message (id, kind, payload, target, idempotency_key, attempts, created_at)
select gen_random_uuid(), 'dci_callback', jsonb_build_object('dciOutboxId', d.id), d.url, 'dci:' || d.id,
  d.attempts, d.created_at
from dci_outbox d
where d.status = 'pending';
