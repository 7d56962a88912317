-- The programme registry in the database: programme ids are checked against a reference table instead of
-- CHECK lists spelled out in each table. The application upserts the ids of its programme registry
-- (src/programs/catalogue.ts) into this table at every start (and `himoya migrate` does), so a new
-- programme folder needs no migration. No id is spelled here: the rows below are the programmes the
-- existing data already names, so that the foreign keys hold over it.
create table programme (
  id text primary key check (id ~ '^[a-z][a-z0-9_]*$'),
  -- When the running application last declared the programme (a row no registry declares any more is
  -- kept: decisions of the past still name it).
  declared_at timestamptz not null default now()
);
insert into programme (id)
  select programme from decision
  union select programme from entitlement
  union select programme from override_request
  union select programme from application;

-- The CHECK lists of migrations 002 and 003 (PostgreSQL named them <table>_<column>_check).
alter table decision drop constraint decision_programme_check;
alter table override_request drop constraint override_request_programme_check;
alter table application drop constraint application_programme_check;

alter table decision add constraint decision_programme_fkey foreign key (programme) references programme (id);
alter table entitlement add constraint entitlement_programme_fkey foreign key (programme) references programme (id);
alter table override_request
  add constraint override_request_programme_fkey foreign key (programme) references programme (id);
alter table application add constraint application_programme_fkey foreign key (programme) references programme (id);
