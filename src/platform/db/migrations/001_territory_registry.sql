-- Territory and Social Registry core. Dates are civil dates; periods are [valid_from, valid_to).

create table region (
  code text primary key,
  name_uz_latn text not null,
  name_uz_cyrl text not null,
  name_ru text not null,
  name_en text not null,
  population integer not null check (population > 0)
);

create table district (
  code text primary key,
  region_code text not null references region (code),
  kind text not null check (kind in ('district', 'city')),
  name_uz_latn text not null,
  name_uz_cyrl text not null,
  name_ru text not null,
  name_en text not null,
  population integer not null check (population > 0),
  -- Remote districts are where the published study found the smallest gains (digital divide).
  remote boolean not null default false
);

create table mahalla (
  code text primary key,
  district_code text not null references district (code),
  name_uz_latn text not null,
  name_uz_cyrl text not null,
  name_ru text not null,
  name_en text not null,
  population integer not null check (population >= 0),
  check (left(code, length(district_code)) = district_code)
);
create index mahalla_district_idx on mahalla (district_code);

create table person (
  id uuid primary key,
  pinfl char(14) unique check (pinfl ~ '^[0-9]{14}$'),
  last_name text not null check (length(last_name) between 1 and 100),
  first_name text not null check (length(first_name) between 1 and 100),
  patronymic text check (length(patronymic) <= 100),
  -- Normalised "last first patronymic" (script- and spelling-folded) for duplicate detection.
  name_key text not null,
  sex char(1) not null check (sex in ('M', 'F')),
  birth_date date not null,
  death_date date check (death_date is null or death_date >= birth_date),
  phone text check (phone ~ '^\+998[0-9]{9}$'),
  education text not null default 'none'
    check (education in ('none', 'preschool', 'school', 'vocational', 'college', 'university', 'graduated')),
  employment text not null default 'none'
    check (employment in ('none', 'child', 'student', 'employed_formal', 'employed_informal', 'self_employed',
                          'unemployed', 'retired', 'homemaker', 'military')),
  -- Sector of formal work; 'security' (defence, interior, emergencies, security, customs) is an exclusion filter.
  employment_sector text check (employment_sector in ('public', 'private', 'security')),
  merged_into uuid references person (id),
  source text not null,
  source_ref text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index person_dedupe_idx on person (name_key, birth_date) where pinfl is null and merged_into is null;
create index person_birth_idx on person (birth_date);

create table person_history (
  id bigint generated always as identity primary key,
  person_id uuid not null references person (id),
  field text not null,
  old_value text,
  new_value text,
  change_request_id uuid,
  source text not null,
  changed_at timestamptz not null default now()
);
create index person_history_person_idx on person_history (person_id);

create table household (
  id uuid primary key,
  district_code text not null references district (code),
  mahalla_code text not null references mahalla (code),
  address text not null check (length(address) between 1 and 300),
  created_on date not null,
  dissolved_on date check (dissolved_on is null or dissolved_on >= created_on),
  source text not null,
  source_ref text,
  created_at timestamptz not null default now(),
  check (left(mahalla_code, length(district_code)) = district_code)
);
create index household_mahalla_idx on household (mahalla_code);
create index household_district_idx on household (district_code);

-- Who lived where, and when. The exclusion constraints make the two core invariants impossible to
-- break, whatever the application does: a person is in at most one household on any date, and a
-- household has at most one head on any date.
create table membership (
  id bigint generated always as identity primary key,
  household_id uuid not null references household (id),
  person_id uuid not null references person (id),
  relationship text not null
    check (relationship in ('head', 'spouse', 'child', 'parent', 'sibling', 'grandchild', 'grandparent',
                            'child_in_law', 'other')),
  valid_from date not null,
  valid_to date check (valid_to is null or valid_to > valid_from),
  source text not null,
  change_request_id uuid,
  constraint membership_one_household_at_a_time
    exclude using gist (person_id with =, daterange(valid_from, valid_to) with &&),
  constraint membership_one_head_at_a_time
    exclude using gist (household_id with =, daterange(valid_from, valid_to) with &&) where (relationship = 'head')
);
create index membership_household_idx on membership (household_id, valid_from);

create table income (
  id bigint generated always as identity primary key,
  person_id uuid not null references person (id),
  kind text not null
    check (kind in ('wage', 'pension', 'business', 'agriculture', 'remittance', 'allowance', 'other')),
  monthly_amount bigint not null check (monthly_amount >= 0),
  valid_from date not null,
  valid_to date check (valid_to is null or valid_to > valid_from),
  source text not null
);
create index income_person_idx on income (person_id);

create table dwelling (
  id bigint generated always as identity primary key,
  household_id uuid not null references household (id),
  owner_person_id uuid references person (id),
  cadastre_number text not null unique,
  kind text not null check (kind in ('residential', 'non_residential')),
  area_m2 numeric(8, 1) not null check (area_m2 > 0),
  source text not null
);
create index dwelling_household_idx on dwelling (household_id);

create table vehicle (
  id bigint generated always as identity primary key,
  owner_person_id uuid not null references person (id),
  plate text not null unique,
  make text not null,
  model_year integer not null check (model_year between 1950 and 2100),
  source text not null
);
create index vehicle_owner_idx on vehicle (owner_person_id);

create table bank_deposit (
  id bigint generated always as identity primary key,
  person_id uuid not null references person (id),
  balance bigint not null check (balance >= 0),
  as_of date not null,
  source text not null
);
create index bank_deposit_person_idx on bank_deposit (person_id);

create table disability (
  id bigint generated always as identity primary key,
  person_id uuid not null references person (id),
  disability_group text not null check (disability_group in ('I', 'II', 'III', 'child')),
  valid_from date not null,
  valid_to date check (valid_to is null or valid_to > valid_from),
  source text not null
);
create index disability_person_idx on disability (person_id);

create table change_request (
  id uuid primary key,
  type text not null
    check (type in ('add_member', 'remove_member', 'change_head', 'split_household', 'merge_households',
                    'correct_personal_data')),
  household_id uuid references household (id),
  person_id uuid references person (id),
  payload jsonb not null,
  -- Hash of the submitted payload: a retry with the same id and payload is the same request.
  payload_hash text not null,
  effective_date date not null,
  status text not null default 'pending' check (status in ('pending', 'applied', 'rejected')),
  submitted_by text not null,
  source text not null,
  submitted_at timestamptz not null default now(),
  decided_by text,
  decided_at timestamptz,
  decision_note text,
  result jsonb
);
create index change_request_status_idx on change_request (status, submitted_at);
create index change_request_household_idx on change_request (household_id);

create table duplicate_candidate (
  id bigint generated always as identity primary key,
  person_a uuid not null references person (id),
  person_b uuid not null references person (id),
  reason text not null,
  score real not null check (score between 0 and 1),
  status text not null default 'pending' check (status in ('pending', 'duplicate', 'distinct')),
  detected_at timestamptz not null default now(),
  reviewed_by text,
  reviewed_at timestamptz,
  note text,
  check (person_a < person_b),
  unique (person_a, person_b)
);
create index duplicate_candidate_status_idx on duplicate_candidate (status);

create table seed_run (
  id bigint generated always as identity primary key,
  seed integer not null,
  households integer not null,
  persons integer not null,
  scope text not null,
  reference_date date not null,
  seconds real not null,
  finished_at timestamptz not null default now()
);
