-- Hardening of issue 10 (findings 3, 4, 7 and 8).

-- Machine clients that live only while a program runs (the simulated agencies): the program renews
-- `expires_at` while it runs; past it the client gets no token and its tokens stop working, so a crashed
-- simulator leaves nothing usable behind. Null: a client registered for good.
alter table machine_client add column expires_at timestamptz;

-- The simulator's former relay client had a secret printed in its usage text, `events.push:any` and no
-- area: whoever read the text could record deaths. Its tokens go with it (on delete cascade).
delete from machine_client where id = 'agency-simulator';

-- Failed client authentications at POST /auth/token, counted per client id ('client:<id>') and per source
-- address ('source:<ip>'), as login_throttle counts failed staff sign-ins.
create table token_throttle (
  key text primary key check (length(key) between 1 and 300),
  failed_attempts integer not null default 0 check (failed_attempts >= 0),
  locked_until timestamptz,
  updated_at timestamptz not null default now()
);

-- A running evaluation writes its heartbeat while it works; a run whose heartbeat is older than a minute
-- belongs to a process that died (killed server, interrupted CLI) and is marked failed.
alter table evaluation_run add column heartbeat_at timestamptz;
create index evaluation_run_running_idx on evaluation_run (heartbeat_at) where status = 'running';

-- The per-person upload quota counts a person's documents.
create index document_person_idx on document (person_id);
