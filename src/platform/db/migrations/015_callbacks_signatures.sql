-- Callback URIs instead of URL prefixes, a default DCI callback, and DCI message signatures.
--
-- A machine client's callbacks may go only under the URIs registered for it, compared by origin and path
-- segments (src/platform/http/outbound-url.ts), not as string prefixes: 'http://127.0.0.1:' covered every
-- local port, and 'https://a.example/cb' covered '/cb/../../escaped' and 'https://a.example/cbx'.
alter table machine_client add column callback_uris text[] not null default '{}';

-- Prefixes that name a whole origin (scheme, host, an optional complete port) and an optional path become
-- URIs; port wildcards ('http://localhost:') and anything with user info are dropped, on purpose.
update machine_client
set callback_uris = array(
  select p from unnest(callback_prefixes) as p
  where p ~* '^https?://[a-z0-9.-]+(:[0-9]{1,5})?(/[^?#@]*)?$'
);

alter table machine_client drop column callback_prefixes;

-- DCI: where callbacks go when a message has no header.sender_uri (the standard's "default uri configured
-- as part of onboarding"). The service checks that it is under one of callback_uris.
alter table machine_client add column default_callback_uri text;

-- DCI: the client's public signing key (a JWK). When set, every message from the client must carry a valid
-- signature; null = the client does not sign.
alter table machine_client add column signing_jwk jsonb;

-- Himoya's own DCI signing key pair, made by the first process that needs one (unless configured with
-- DCI_SIGNING_KEY); its public half is published at GET /dci/.well-known/jwks.json.
create table dci_signing_key (
  id text primary key,
  private_jwk jsonb not null,
  public_jwk jsonb not null,
  created_at timestamptz not null default now()
);
