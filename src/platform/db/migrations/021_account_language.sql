-- The language a staff member chose in the console, applied again at their next sign-in (issue 12).
-- Null until they choose one: the browser's language is used meanwhile. Citizens keep theirs in
-- person.preferred_language (migration 008), which their messages are written in too.
alter table account
  add column preferred_language text
    check (preferred_language in ('uz-Latn', 'uz-Cyrl', 'ru', 'en'));
