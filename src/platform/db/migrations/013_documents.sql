-- Documents a citizen uploads (a certificate for an application, say): kept in the database with their
-- digest, so that a backup holds them with the records they support and nothing lives only on a disk.
create table document (
  id uuid primary key,
  person_id uuid not null references person (id),
  household_id uuid not null references household (id),
  application_id uuid references application (id),
  filename text not null check (length(filename) between 1 and 200),
  content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
  size integer not null check (size > 0 and size <= 5242880),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea not null,
  uploaded_at timestamptz not null default now()
);
create index document_household_idx on document (household_id, uploaded_at desc);
create index document_application_idx on document (application_id);
