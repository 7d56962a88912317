-- Issue 13 (scale): the DCI search's derived values kept as columns, so a region-wide search on
-- poverty_score or group_size is an index scan instead of a per-household aggregate on every request.
--
-- One row per household. `basis` names what the figures were computed for: the day (membership as of it)
-- and the MCE in force ('YYYY-MM-DD|mce'); a search for another day, or a row whose inputs changed (basis
-- null), is computed live as before, so a search never reads a stale figure. `version` is bumped by every
-- invalidation: the refresh writes its result only where the version is still the one it read, so a
-- change committed while it computed is never overwritten by figures from before it (src/dci/README.md).
create table dci_household_figure (
  household_id uuid primary key references household (id) on delete cascade,
  basis text,
  version bigint not null default 0,
  group_size integer,
  poverty_score double precision,
  computed_at timestamptz
);
create index dci_household_figure_poverty on dci_household_figure (basis, poverty_score);
create index dci_household_figure_size on dci_household_figure (basis, group_size);

insert into dci_household_figure (household_id) select id from household;

-- Kept in step by the database itself, whatever path writes the registry (API, intake, integration pulls,
-- COPY bulk loads): statement-level triggers with transition tables, one set-based statement per write.
create function dci_figure_add_households() returns trigger language plpgsql as $$
begin
  insert into dci_household_figure (household_id) select id from new_rows on conflict do nothing;
  return null;
end $$;
create trigger dci_figure_household_insert after insert on household
  referencing new table as new_rows for each statement execute function dci_figure_add_households();

create function dci_figure_forget_households() returns trigger language plpgsql as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    update dci_household_figure f set basis = null, version = f.version + 1
      where f.household_id in (select household_id from new_rows);
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    update dci_household_figure f set basis = null, version = f.version + 1
      where f.household_id in (select household_id from old_rows);
  end if;
  return null;
end $$;
create trigger dci_figure_membership_insert after insert on membership
  referencing new table as new_rows for each statement execute function dci_figure_forget_households();
create trigger dci_figure_membership_update after update on membership
  referencing old table as old_rows new table as new_rows
  for each statement execute function dci_figure_forget_households();
create trigger dci_figure_membership_delete after delete on membership
  referencing old table as old_rows for each statement execute function dci_figure_forget_households();

-- An income row changes the figures of every household its person belongs to (any period: conservative),
-- found through an index on the person (membership had one for current rows only).
create index membership_person_idx on membership (person_id);
create function dci_figure_forget_earners() returns trigger language plpgsql as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    update dci_household_figure f set basis = null, version = f.version + 1
      where f.household_id in (
        select m.household_id from membership m where m.person_id in (select person_id from new_rows));
  end if;
  if tg_op in ('UPDATE', 'DELETE') then
    update dci_household_figure f set basis = null, version = f.version + 1
      where f.household_id in (
        select m.household_id from membership m where m.person_id in (select person_id from old_rows));
  end if;
  return null;
end $$;
create trigger dci_figure_income_insert after insert on income
  referencing new table as new_rows for each statement execute function dci_figure_forget_earners();
create trigger dci_figure_income_update after update on income
  referencing old table as old_rows new table as new_rows
  for each statement execute function dci_figure_forget_earners();
create trigger dci_figure_income_delete after delete on income
  referencing old table as old_rows for each statement execute function dci_figure_forget_earners();
