-- Search that finds people (issue 12, point 7) and short human references (point 2).
--
-- pg_trgm itself is created by migrate.ts in `public`, like btree_gist (a test's own schema would take it
-- away when dropped); the statement below is a no-op there and keeps this file self-describing.
create extension if not exists pg_trgm schema public;

-- A spelling- and script-folded form of a name, the SQL twin of src/registry/name-key.ts: Uzbek/Russian
-- Cyrillic to Latin (Russian дж as j), apostrophes (' ‘ ’ ʻ ʼ ` ´) dropped so o'/o‘/oʻ/ў all become o, kh/h → x, q → k,
-- yo/ye → e, zh → j, ts → s, w → v, y before a consonant → i, doubled letters once; anything that is not a
-- letter is a word break. Upper- and lower-case Cyrillic are mapped explicitly: lower() only folds ASCII
-- under the C locale. The same function folds the stored names and the query, so both sides always agree.
create function search_fold(t text) returns text
language sql immutable strict parallel safe
as $$
  select trim(regexp_replace(regexp_replace(regexp_replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(
      regexp_replace(
        translate(
          replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
            t, 'ч', 'ch'), 'Ч', 'ch'), 'ш', 'sh'), 'Ш', 'sh'), 'щ', 'sh'), 'Щ', 'sh'),
            'ю', 'yu'), 'Ю', 'yu'), 'я', 'ya'), 'Я', 'ya'),
          'абвгдеёжзийклмнопрстуфхцыэўқғҳАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЫЭЎҚҒҲABCDEFGHIJKLMNOPQRSTUVWXYZъьЪЬ''’‘ʻʼ`´',
          'abvgdeejziyklmnoprstufxsieokgxabvgdeejziyklmnoprstufxsieokgxabcdefghijklmnopqrstuvwxyz'),
        '[^a-z]+', ' ', 'g'),
      'dj', 'j'), 'kh', 'x'), 'h', 'x'), 'q', 'k'), 'yo', 'e'), 'ye', 'e'), 'zh', 'j'), 'ts', 's'), 'w', 'v'),
    'y(?=[^aeiou]|$)', 'i', 'g'),
    '([a-z])\1+', '\1', 'g'),
    ' +', ' ', 'g'))
$$;

-- A vehicle plate as typed any way: upper case, no spaces or dashes, Cyrillic look-alikes as Latin.
create function search_plate(t text) returns text
language sql immutable strict parallel safe
as $$
  select regexp_replace(
    translate(t, 'АаВвЕеКкМмНнОоРрСсТтУуХхabcdefghijklmnopqrstuvwxyz',
                 'AABBEEKKMMHHOOPPCCTTYYXXABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    '[^0-9A-Z]+', '', 'g')
$$;

-- Names: the folded full name, stored, under a GIN trigram index (LIKE '%part%' and word similarity).
alter table person add column search_name text
  generated always as (search_fold(last_name || ' ' || first_name || ' ' || coalesce(patronymic, ''))) stored;
create index person_search_name_trgm on person using gin (search_name gin_trgm_ops);
-- From a matched person to their current household without the GiST exclusion index of membership.
create index membership_current_person_idx on membership (person_id) include (household_id) where valid_to is null;
create index person_phone_idx on person (phone) where phone is not null;
create index vehicle_plate_search_idx on vehicle (search_plate(plate));
create index dwelling_cadastre_search_idx on dwelling (upper(replace(cadastre_number, ' ', '')));

-- Human references: PREFIX-YEAR-NNNNNN, the year the record entered Himoya, the number from one database
-- sequence per kind (zero-padded to six digits, longer when it outgrows them; it does not restart each
-- year, so a reference stays unique even if two years' records were ever mixed up). H- for households,
-- A- for applications.
create function human_reference(prefix text, at timestamptz, n bigint) returns text
language sql immutable strict parallel safe
as $$
  select prefix || '-' || extract(year from at at time zone 'UTC')::int::text || '-'
    || lpad(n::text, greatest(6, length(n::text)), '0')
$$;

create sequence household_reference_seq;
alter table household add column reference text;
update household h set reference = human_reference('H', n.created_at, n.rn)
  from (select id, created_at, row_number() over (order by created_at, id) as rn from household) n
  where n.id = h.id;
select setval('household_reference_seq', greatest(1, (select count(*) from household)),
              (select count(*) from household) > 0);
alter table household
  alter column reference set default human_reference('H', now(), nextval('household_reference_seq')),
  alter column reference set not null,
  add constraint household_reference_key unique (reference);

create sequence application_reference_seq;
alter table application add column reference text;
update application a set reference = human_reference('A', n.created_at, n.rn)
  from (select id, created_at, row_number() over (order by created_at, id) as rn from application) n
  where n.id = a.id;
select setval('application_reference_seq', greatest(1, (select count(*) from application)),
              (select count(*) from application) > 0);
alter table application
  alter column reference set default human_reference('A', now(), nextval('application_reference_seq')),
  alter column reference set not null,
  add constraint application_reference_key unique (reference);
