-- The current members of a household, from the index alone (issue 13, fast reads): a search confined to a
-- social worker's mahalla starts from the mahalla's households and reads their current members (thousands
-- of rows per search), and every search result and list row counts its household's current members. The
-- older membership_household_idx (household_id, valid_from) holds every period and needs the table for
-- valid_to and person_id.
create index membership_current_household_idx on membership (household_id) include (person_id)
  where valid_to is null;
