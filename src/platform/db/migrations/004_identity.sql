-- Identity: staff accounts, role grants, sessions, machine clients and their tokens, pending citizen
-- sign-ins, and the demo identity provider. Everything lives here and nothing in a process's memory, so
-- that several server processes agree on who is signed in.

create table account (
  id uuid primary key,
  -- Compared in lower case: 'Ahmad' and 'ahmad' are one account.
  username text not null check (username ~ '^[a-z0-9._-]{3,64}$'),
  display_name text not null check (length(display_name) between 1 and 200),
  -- argon2id in PHC string form; never the password itself.
  password_hash text not null,
  -- Base32 TOTP secret: set at enrolment, in force only once a code confirmed it.
  totp_secret text,
  totp_enabled boolean not null default false,
  -- The last 30-second step a code was accepted for: a code is never accepted twice.
  totp_last_step bigint,
  failed_attempts integer not null default 0 check (failed_attempts >= 0),
  locked_until timestamptz,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  check (not totp_enabled or totp_secret is not null)
);
create unique index account_username_key on account (username);

-- Failed sign-ins for usernames that have no account, counted like an account's, so that a lockout
-- (or its absence) never tells an attacker whether the username exists.
create table login_throttle (
  username text primary key,
  failed_attempts integer not null default 0 check (failed_attempts >= 0),
  locked_until timestamptz
);

-- Keep in step with ROLES in src/access/actor.ts (a test checks every role is accepted).
create table role_grant (
  id bigint generated always as identity primary key,
  account_id uuid references account (id) on delete cascade,
  person_id uuid references person (id),
  role text not null check (role in ('citizen', 'social_worker', 'district_officer', 'disability_assessor',
                                     'commission_member', 'youth_officer', 'regional_admin', 'auditor',
                                     'vendor', 'agency_client')),
  area_kind text check (area_kind in ('region', 'district', 'mahalla')),
  area_code text,
  organisation text not null check (length(organisation) between 1 and 200),
  check ((account_id is null) <> (person_id is null)),
  check ((area_kind is null) = (area_code is null))
);
create index role_grant_account_idx on role_grant (account_id);
create index role_grant_person_idx on role_grant (person_id);

create table auth_session (
  -- sha256 (hex) of the cookie's random token: a copy of this table does not let anyone sign in.
  id text primary key check (id ~ '^[0-9a-f]{64}$'),
  kind text not null check (kind in ('staff', 'citizen')),
  account_id uuid references account (id) on delete cascade,
  person_id uuid references person (id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  -- The absolute end; the idle end is last_seen_at plus the configured idle time.
  expires_at timestamptz not null,
  revoked_at timestamptz,
  check ((kind = 'staff') = (account_id is not null)),
  check ((kind = 'citizen') = (person_id is not null))
);
create index auth_session_account_idx on auth_session (account_id);
create index auth_session_expires_idx on auth_session (expires_at);

create table machine_client (
  -- The OAuth2 client_id.
  id text primary key check (id ~ '^[a-z0-9._-]{3,64}$'),
  secret_hash text not null,
  agency text not null check (length(agency) between 1 and 200),
  scopes text[] not null default '{}',
  area_kind text check (area_kind in ('region', 'district', 'mahalla')),
  area_code text,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  check ((area_kind is null) = (area_code is null))
);

create table access_token (
  -- sha256 (hex) of the opaque bearer token.
  id text primary key check (id ~ '^[0-9a-f]{64}$'),
  client_id text not null references machine_client (id) on delete cascade,
  scopes text[] not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index access_token_expires_idx on access_token (expires_at);

-- A citizen sign-in between the redirect to the identity provider and its return.
create table oidc_login (
  state text primary key,
  code_verifier text not null,
  nonce text not null,
  created_at timestamptz not null default now(),
  used_at timestamptz
);

-- The demo identity provider (DEMO only): its signing key and the codes it handed out.
create table demo_idp_key (
  id text primary key,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now()
);

create table demo_idp_code (
  code text primary key,
  pinfl char(14) not null,
  client_id text not null,
  redirect_uri text not null,
  nonce text,
  code_challenge text not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
