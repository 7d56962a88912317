-- An approved override holds from its month through `until_month`, and the monthly evaluation respects it:
-- without this the next evaluation would quietly reverse what two officers decided.
alter table override_request
  add column until_month text check (until_month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$');
-- Rows written before this column existed hold for their own month only.
update override_request set until_month = month where until_month is null;
alter table override_request alter column until_month set not null;
alter table override_request add constraint override_request_until_after_month check (until_month >= month);
create index override_request_in_force_idx on override_request (household_id, programme, month)
  where status = 'approved';
