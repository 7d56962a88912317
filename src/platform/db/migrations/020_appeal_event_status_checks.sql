-- An appeal's history names the statuses an appeal can have, and only those: the same list as
-- appeal.status (migration 003), so the generated table types give both columns one union.
alter table appeal_event
  add constraint appeal_event_from_status_check
    check (from_status in ('submitted', 'under_review', 'upheld', 'overturned', 'withdrawn')),
  add constraint appeal_event_to_status_check
    check (to_status in ('submitted', 'under_review', 'upheld', 'overturned', 'withdrawn'));
