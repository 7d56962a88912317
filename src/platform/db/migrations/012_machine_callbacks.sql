-- Where Himoya may call a machine client back (DCI on-search, notify, txn/on-status): the URL prefixes
-- registered for it. A callback address taken from a message alone would let any client make the server
-- call anywhere (server-side request forgery).
alter table machine_client add column callback_prefixes text[] not null default '{}';
