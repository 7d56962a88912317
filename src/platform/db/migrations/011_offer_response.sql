-- A proactive offer (a decision that granted an entitlement) is the family's to accept or decline: the
-- answer is kept beside the decision, the latest one counting, with when and through which channel.
create table offer_response (
  decision_id bigint primary key references decision (id),
  response text not null check (response in ('accepted', 'declined')),
  person_id uuid not null references person (id),
  channel text not null default 'portal',
  responded_at timestamptz not null default now()
);
