-- The folded names of each mahalla's current members (issue 13, fast reads): a social worker's search (or one
-- filtered to a mahalla) reads the names of one mahalla, and deriving them per query (the mahalla's
-- households, their current memberships, each person) cost ~15,000 buffer hits and 10-15 ms at 420,000
-- households. Here they are one range of one index: (mahalla_code, search_name) for a name's beginning, the
-- same index's rows of the mahalla for a part inside the name or a similar name, household_id included so
-- no reading visits the table.
--
-- One row per current membership (valid_to is null) of a person not merged into another (merged_into is
-- null): the household's mahalla and the person's folded name (person.search_name, migration 022).
-- Defined by the view member_name_source; kept exact by the triggers below in the writing transaction,
-- whatever path writes (API, change requests, integration pulls). A bulk seed switches them off and fills the
-- table in one statement after its load (src/synthetic/seed.ts).

-- Writers wait until this migration commits (readers do not): a membership written between the fill below and
-- the triggers' creation would otherwise be missed.
lock table membership, person, household in share row exclusive mode;

create table member_name (
  mahalla_code text not null,
  search_name text not null,
  household_id uuid not null,
  person_id uuid not null
);

-- The defining query. The maintenance below reads it for a few households or persons (the planner takes the
-- conditions into the view: membership_current_person_idx / membership_current_household_idx); the seed and
-- the tests that compare the table with it read all of it.
create view member_name_source as
  select h.mahalla_code, p.search_name, m.household_id, m.person_id
  from membership m
  join person p on p.id = m.person_id
  join household h on h.id = m.household_id
  where m.valid_to is null and p.merged_into is null;

-- Filled first, keyed and indexed after: built from the whole table (sorted) rather than entry by entry, about
-- 10 s for 2 million members. (The visibility map that lets searches skip the table is set by the next
-- vacuum, autovacuum's after this many inserts.)
insert into member_name select * from member_name_source;
alter table member_name add primary key (household_id, person_id);
create index member_name_search_idx on member_name (mahalla_code, search_name text_pattern_ops)
  include (household_id);
analyze member_name;

-- Two transactions changing the same person or household at once (one renames a person while the other ends
-- their membership; one moves a household while the other adds a member) would each derive the rows from a
-- snapshot without the other's change, and the later writer would leave a stale row. So each maintenance
-- first takes a transaction-level advisory lock per household and person it touches (two-key form, class
-- 30: apart from the one-key locks of Database.withLock), in one sorted statement; the rows are derived by
-- the next statements, each with a fresh snapshot (READ COMMITTED) that sees whatever the other committed.
create function member_name_lock(households uuid[], persons uuid[]) returns void language sql as $$
  select count(pg_advisory_xact_lock(30, k)) from (
    select distinct hashtext(x::text) as k
    from unnest(coalesce(households, '{}') || coalesce(persons, '{}')) x
    where x is not null
    order by 1
  ) keys
$$;

-- Re-derives the rows of the given memberships (pairs of households and persons, in step).
create function member_name_refresh_pairs(households uuid[], persons uuid[]) returns void
language plpgsql as $$
begin
  if coalesce(cardinality(households), 0) = 0 then return; end if;
  perform member_name_lock(households, persons);
  delete from member_name n
    using unnest(households, persons) as c (household_id, person_id)
    where n.household_id = c.household_id and n.person_id = c.person_id;
  insert into member_name
    select r.* from member_name_source r
    where r.person_id = any(persons)
      and (r.household_id, r.person_id) in (select * from unnest(households, persons))
    on conflict do nothing;
end $$;

-- Statement-level triggers with transition tables: one set-based pass per statement, whatever its rows.
create function member_name_membership_changed() returns trigger language plpgsql as $$
declare
  households uuid[] := '{}';
  persons uuid[] := '{}';
begin
  if tg_op in ('INSERT', 'UPDATE') then
    select households || array_agg(n.household_id), persons || array_agg(n.person_id)
      into households, persons from member_name_new n;
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    select households || array_agg(o.household_id), persons || array_agg(o.person_id)
      into households, persons from member_name_old o;
  end if;
  perform member_name_refresh_pairs(households, persons);
  return null;
end $$;

-- A person renamed (search_name follows last, first and patronymic name) or merged into another: their rows
-- derived again. Other updates of a person (phone, passport, employment) only join the two transition
-- tables. (A trigger with transition tables cannot name columns: UPDATE OF is not allowed with them.)
create function member_name_person_changed() returns trigger language plpgsql as $$
declare
  persons uuid[];
begin
  select array_agg(n.id) into persons
    from member_name_new n join member_name_old o on o.id = n.id
    where n.search_name is distinct from o.search_name or n.merged_into is distinct from o.merged_into;
  if persons is null then return null; end if;
  perform member_name_lock(null, persons);
  -- A person's rows are those of their current memberships (the table is exact), found by key: no index on
  -- member_name.person_id to build and keep for this alone.
  delete from member_name n using membership m
    where m.person_id = any(persons) and m.valid_to is null
      and n.household_id = m.household_id and n.person_id = m.person_id;
  insert into member_name select * from member_name_source r where r.person_id = any(persons)
    on conflict do nothing;
  return null;
end $$;

-- A household moved to another mahalla: its members' rows follow.
create function member_name_household_changed() returns trigger language plpgsql as $$
declare
  households uuid[];
begin
  select array_agg(n.id) into households
    from member_name_new n join member_name_old o on o.id = n.id
    where n.mahalla_code is distinct from o.mahalla_code;
  if households is null then return null; end if;
  perform member_name_lock(households, null);
  delete from member_name n where n.household_id = any(households);
  insert into member_name select * from member_name_source r where r.household_id = any(households)
    on conflict do nothing;
  return null;
end $$;

-- No trigger on deleting a person or a household: membership's foreign keys refuse to delete one that has
-- memberships, and only those have rows here.

-- After TRUNCATE of a source table (a seed with --reset) no row holds.
create function member_name_forget() returns trigger language plpgsql as $$
begin
  truncate member_name;
  return null;
end $$;

create trigger member_name_insert after insert on membership referencing new table as member_name_new
  for each statement execute function member_name_membership_changed();
create trigger member_name_update after update on membership
  referencing old table as member_name_old new table as member_name_new
  for each statement execute function member_name_membership_changed();
create trigger member_name_delete after delete on membership referencing old table as member_name_old
  for each statement execute function member_name_membership_changed();
create trigger member_name_truncate after truncate on membership
  for each statement execute function member_name_forget();

create trigger member_name_update after update on person
  referencing old table as member_name_old new table as member_name_new
  for each statement execute function member_name_person_changed();
create trigger member_name_truncate after truncate on person
  for each statement execute function member_name_forget();

create trigger member_name_update after update on household
  referencing old table as member_name_old new table as member_name_new
  for each statement execute function member_name_household_changed();
create trigger member_name_truncate after truncate on household
  for each statement execute function member_name_forget();
