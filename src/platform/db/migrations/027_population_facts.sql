-- The month's population facts, maintained by the decisions pipeline (docs/adr/013-population-facts.md).
-- Deriving a month from the registry joins membership, person and household with the union of every
-- per-person fact (about 7 s of server time for 2 million persons); keeping the result in a narrow table
-- lets a load stream it with COPY instead. Everything here can be derived again from the registry, so the
-- tables are UNLOGGED: no WAL for millions of rows, and after a crash PostgreSQL empties all three at once,
-- which reads as "no month built" and leads to a full rebuild on the next load.

-- One row per household with members on the first day of the month: its district and dwelling counts, and
-- its members' facts already coded as the rules engine's columns (codes of src/rules/entities.ts), packed
-- into one bytea of fixed-width records in load order (head, spouse, others by birth day): a load streams
-- one row per household instead of one per person, a fifth of the rows and of the per-field work of COPY.
-- The record layout is src/decisions/population.query.ts's MEMBER_RECORD.
create unlogged table population_fact (
  month date not null,
  household_id uuid not null,
  district_code text not null,
  residential smallint not null,
  non_residential smallint not null,
  member_count integer not null,
  members bytea not null,
  primary key (month, household_id)
);

-- The months whose facts are built (ready) or being built, with the digest of the derivation that built
-- them (a change of the codes or of the query rebuilds the month rather than mixing two derivations) and the
-- counts of the full build (a size estimate for a load).
create unlogged table population_fact_month (
  month date primary key,
  derivation text not null,
  ready boolean not null default false,
  persons integer not null default 0,
  households integer not null default 0,
  built_at timestamptz not null default now()
);

-- Households whose facts of a built month no longer match the registry: written by the triggers below,
-- re-derived (and removed) by the next load of that month. No key: a writer never waits on a loader.
create unlogged table population_fact_stale (
  month date not null,
  household_id uuid not null
);
create index population_fact_stale_month_idx on population_fact_stale (month);

-- Statement-level triggers with transition tables: one insert ... select per statement, whatever the
-- number of rows. While no month is built (an empty registry being seeded) they only check that and return.
create function population_fact_mark(households uuid[]) returns void language plpgsql as $$
begin
  insert into population_fact_stale (month, household_id)
  select m.month, h.id
  from population_fact_month m
  cross join (select distinct x as id from unnest(households) x where x is not null) h;
end $$;

-- TG_ARGV[0] names the column of the changed rows that holds the household (or the person) id; reading
-- it through jsonb lets one function serve every table.
create function population_fact_mark_households() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from population_fact_month) then return null; end if;
  if tg_op in ('INSERT', 'UPDATE') then
    perform population_fact_mark(array(select (to_jsonb(n) ->> tg_argv[0])::uuid from population_fact_new n));
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform population_fact_mark(array(select (to_jsonb(o) ->> tg_argv[0])::uuid from population_fact_old o));
  end if;
  return null;
end $$;

-- A fact of a person changes the households the person is (or was) a member of: every membership counts,
-- since a built month may be one in which an earlier membership was in force.
create function population_fact_mark_persons() returns trigger language plpgsql as $$
begin
  if not exists (select 1 from population_fact_month) then return null; end if;
  if tg_op in ('INSERT', 'UPDATE') then
    perform population_fact_mark(array(
      select ms.household_id from membership ms
      where ms.person_id in (select (to_jsonb(n) ->> tg_argv[0])::uuid from population_fact_new n)));
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    perform population_fact_mark(array(
      select ms.household_id from membership ms
      where ms.person_id in (select (to_jsonb(o) ->> tg_argv[0])::uuid from population_fact_old o)));
  end if;
  return null;
end $$;

-- After TRUNCATE of a registry table (a seed with --reset) no month's facts hold.
create function population_fact_forget() returns trigger language plpgsql as $$
begin
  truncate population_fact, population_fact_month, population_fact_stale;
  return null;
end $$;

create trigger population_fact_insert after insert on membership referencing new table as population_fact_new
  for each statement execute function population_fact_mark_households('household_id');
create trigger population_fact_update after update on membership
  referencing old table as population_fact_old new table as population_fact_new
  for each statement execute function population_fact_mark_households('household_id');
create trigger population_fact_delete after delete on membership referencing old table as population_fact_old
  for each statement execute function population_fact_mark_households('household_id');
create trigger population_fact_truncate after truncate on membership
  for each statement execute function population_fact_forget();

create trigger population_fact_insert after insert on dwelling referencing new table as population_fact_new
  for each statement execute function population_fact_mark_households('household_id');
create trigger population_fact_update after update on dwelling
  referencing old table as population_fact_old new table as population_fact_new
  for each statement execute function population_fact_mark_households('household_id');
create trigger population_fact_delete after delete on dwelling referencing old table as population_fact_old
  for each statement execute function population_fact_mark_households('household_id');
create trigger population_fact_truncate after truncate on dwelling
  for each statement execute function population_fact_forget();

create trigger population_fact_insert after insert on household referencing new table as population_fact_new
  for each statement execute function population_fact_mark_households('id');
create trigger population_fact_update after update on household
  referencing old table as population_fact_old new table as population_fact_new
  for each statement execute function population_fact_mark_households('id');
create trigger population_fact_delete after delete on household referencing old table as population_fact_old
  for each statement execute function population_fact_mark_households('id');
create trigger population_fact_truncate after truncate on household
  for each statement execute function population_fact_forget();

create trigger population_fact_insert after insert on person referencing new table as population_fact_new
  for each statement execute function population_fact_mark_persons('id');
create trigger population_fact_update after update on person
  referencing old table as population_fact_old new table as population_fact_new
  for each statement execute function population_fact_mark_persons('id');
create trigger population_fact_delete after delete on person referencing old table as population_fact_old
  for each statement execute function population_fact_mark_persons('id');
create trigger population_fact_truncate after truncate on person
  for each statement execute function population_fact_forget();

create trigger population_fact_insert after insert on income referencing new table as population_fact_new
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_update after update on income
  referencing old table as population_fact_old new table as population_fact_new
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_delete after delete on income referencing old table as population_fact_old
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_truncate after truncate on income
  for each statement execute function population_fact_forget();

create trigger population_fact_insert after insert on disability referencing new table as population_fact_new
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_update after update on disability
  referencing old table as population_fact_old new table as population_fact_new
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_delete after delete on disability referencing old table as population_fact_old
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_truncate after truncate on disability
  for each statement execute function population_fact_forget();

create trigger population_fact_insert after insert on vehicle referencing new table as population_fact_new
  for each statement execute function population_fact_mark_persons('owner_person_id');
create trigger population_fact_update after update on vehicle
  referencing old table as population_fact_old new table as population_fact_new
  for each statement execute function population_fact_mark_persons('owner_person_id');
create trigger population_fact_delete after delete on vehicle referencing old table as population_fact_old
  for each statement execute function population_fact_mark_persons('owner_person_id');
create trigger population_fact_truncate after truncate on vehicle
  for each statement execute function population_fact_forget();

create trigger population_fact_insert after insert on bank_deposit referencing new table as population_fact_new
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_update after update on bank_deposit
  referencing old table as population_fact_old new table as population_fact_new
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_delete after delete on bank_deposit referencing old table as population_fact_old
  for each statement execute function population_fact_mark_persons('person_id');
create trigger population_fact_truncate after truncate on bank_deposit
  for each statement execute function population_fact_forget();
