-- Notifications (src/notifications) and the my.gov.uz intake (src/intake).

-- The language a person is written to in (SMS and portal messages). A registry table, but the column
-- belongs to the notifications context.
alter table person add column preferred_language text not null default 'uz-Latn'
  constraint person_preferred_language_check check (preferred_language in ('uz-Latn', 'uz-Cyrl', 'ru', 'en'));

-- The outbox: one row per message and channel, rendered when enqueued (the text the person got is kept
-- as it was, whatever becomes of the templates). `dedupe_key` names the event: the same event never
-- notifies twice on a channel.
create table notification (
  id uuid primary key,
  person_id uuid not null references person (id),
  channel text not null check (channel in ('sms', 'portal')),
  template text not null,
  params jsonb not null,
  language text not null check (language in ('uz-Latn', 'uz-Cyrl', 'ru', 'en')),
  body text not null,
  phone text,
  status text not null default 'queued'
    check (status in ('queued', 'sending', 'sent', 'delivered', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  -- When a queued message is due; for one being sent, when its claim lapses (a crashed sender's message
  -- is taken up again).
  next_attempt_at timestamptz,
  last_error text,
  provider text,
  provider_message_id text,
  dedupe_key text not null,
  created_at timestamptz not null default now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz,
  constraint notification_dedupe_key unique (dedupe_key, channel),
  constraint notification_sms_has_phone check (channel <> 'sms' or phone is not null),
  constraint notification_read_portal_only check (read_at is null or channel = 'portal')
);
create index notification_due_idx on notification (next_attempt_at) where status in ('queued', 'sending');
create index notification_person_idx on notification (person_id, channel, created_at desc);
create index notification_status_idx on notification (status, created_at desc);
create index notification_provider_message_idx on notification (provider_message_id)
  where provider_message_id is not null;

-- Applications the state portal (my.gov.uz) submitted: where to report their status.
create table intake_application (
  application_id uuid primary key references application (id),
  person_id uuid not null references person (id),
  client_id text not null,
  callback_url text not null,
  consent_id uuid references consent (id),
  consent_at timestamptz not null,
  created_at timestamptz not null default now()
);

-- The status callbacks owed to the portal: one per application and status, delivered with retries.
create table intake_callback (
  id uuid primary key,
  application_id uuid not null references intake_application (application_id),
  status text not null check (status in ('submitted', 'questionnaire_done', 'mahalla_opinion', 'decided')),
  payload jsonb not null,
  state text not null default 'queued' check (state in ('queued', 'sending', 'delivered', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  constraint intake_callback_once unique (application_id, status)
);
create index intake_callback_due_idx on intake_callback (next_attempt_at) where state in ('queued', 'sending');
