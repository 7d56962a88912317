-- A purpose a staff member stated to open a household outside their worklist or area (issue 12, point 5),
-- kept for their session for a while: every section of the record the role may read (the documents, the
-- decisions, a page opened from the record) is read under the purpose stated once, and each of those reads
-- names it in the audit log. Signing out ends the session, and the grant with it.
create table purpose_grant (
  session_id text not null references auth_session (id) on delete cascade,
  household_id uuid not null references household (id) on delete cascade,
  purpose text not null,
  granted_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (session_id, household_id)
);
