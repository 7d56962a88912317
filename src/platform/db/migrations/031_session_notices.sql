-- Notices of changes to who a session is and what it may do (ADR 015): each server process keeps the live
-- sessions it has read in memory and drops them when it hears of a change here. pg_notify in the writing
-- transaction is delivered only if the transaction commits, and to every listening process.
--
-- Payloads: 's:<session id>', 'a:<account id>', 'p:<person id>'. The channel is shared by every schema of a
-- database (test schemas); a notice about an id of another schema only makes a process read one session
-- again. src/identity/session-memory.ts is the listener.
--
-- Not a notice: a session's last_seen_at moving forward, which a request writes at most once a minute (the
-- idle end). A last_seen_at moved back (an administrator or a test ageing a session) is one.

create function notify_session_change() returns trigger
language plpgsql as $$
begin
  if tg_table_name = 'auth_session' then
    perform pg_notify('himoya_sessions', 's:' || coalesce(new.id, old.id));
  elsif tg_table_name = 'account' then
    perform pg_notify('himoya_sessions', 'a:' || coalesce(new.id, old.id)::text);
  elsif tg_table_name = 'person' then
    perform pg_notify('himoya_sessions', 'p:' || coalesce(new.id, old.id)::text);
  elsif tg_table_name = 'role_grant' then
    if tg_op <> 'INSERT' then
      perform pg_notify('himoya_sessions',
        case when old.account_id is not null then 'a:' || old.account_id::text else 'p:' || old.person_id::text end);
    end if;
    if tg_op <> 'DELETE' then
      perform pg_notify('himoya_sessions',
        case when new.account_id is not null then 'a:' || new.account_id::text else 'p:' || new.person_id::text end);
    end if;
  end if;
  return null;
end;
$$;

create trigger auth_session_changed
  after update on auth_session for each row
  when (old.revoked_at is distinct from new.revoked_at
        or old.expires_at is distinct from new.expires_at
        or new.last_seen_at < old.last_seen_at
        or old.csrf_token is distinct from new.csrf_token
        or old.account_id is distinct from new.account_id
        or old.person_id is distinct from new.person_id)
  execute function notify_session_change();

create trigger auth_session_deleted
  after delete on auth_session for each row execute function notify_session_change();

create trigger account_changed_for_sessions
  after update on account for each row
  when (old.disabled is distinct from new.disabled
        or old.username is distinct from new.username
        or old.display_name is distinct from new.display_name)
  execute function notify_session_change();

create trigger account_deleted_for_sessions
  after delete on account for each row execute function notify_session_change();

create trigger person_changed_for_sessions
  after update on person for each row
  when (old.merged_into is distinct from new.merged_into
        or old.pinfl is distinct from new.pinfl
        or old.first_name is distinct from new.first_name
        or old.last_name is distinct from new.last_name)
  execute function notify_session_change();

create trigger person_deleted_for_sessions
  after delete on person for each row execute function notify_session_change();

create trigger role_grant_changed
  after insert or update or delete on role_grant for each row execute function notify_session_change();
