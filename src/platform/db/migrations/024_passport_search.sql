-- Search by passport, and name prefixes that the trigram index cannot serve (issue 12, point 7).
--
-- The passport (or ID card) number a person shows at the counter: two Latin letters and seven digits
-- (AB1234567), upper case. Optional (children have none, older records lack it), unique when known.
alter table person add column passport text
  check (passport ~ '^[A-Z]{2}[0-9]{7}$');
create unique index person_passport_key on person (passport) where passport is not null;

-- A b-tree over the folded name with text_pattern_ops: LIKE 'prefix%' (a name typed from its beginning,
-- and parts of one or two letters, which have no trigram for person_search_name_trgm) is an ordered
-- range scan that stops at the reading's candidate cap instead of a scan of every person.
create index person_search_name_prefix_idx on person (search_name text_pattern_ops);
