-- A citizen contests a fact shown to them (issue 12, point 8): income, a vehicle, deposits, a dwelling,
-- employment, a disability, membership or mahalla hardship. It is a change request of its own type, so it
-- lands in the same district worklist, scoped the same way; the fact, the agency the fact came from and
-- the citizen's comment are columns (not only payload) so the worklist can show and filter them.
alter table change_request drop constraint change_request_type_check;
alter table change_request add constraint change_request_type_check
  check (type in ('add_member', 'remove_member', 'change_head', 'split_household', 'merge_households',
                  'correct_personal_data', 'contest_fact'));

-- Accepting a contest does not edit the agency's fact: it is sent to that agency for verification
-- ('verifying'); a fact the Social Registry itself holds (a social worker's or the mahalla's) is
-- 'accepted', to be corrected by the officer through the ordinary change requests.
alter table change_request drop constraint change_request_status_check;
alter table change_request add constraint change_request_status_check
  check (status in ('pending', 'applied', 'rejected', 'verifying', 'accepted'));

alter table change_request
  add column fact text
    check (fact in ('income', 'vehicle', 'deposits', 'dwelling', 'employment', 'disability', 'membership',
                    'hardship')),
  add column source_agency text
    check (source_agency in ('tax', 'pension_fund', 'cadastre', 'vehicles', 'civil_registry', 'banks',
                             'medical', 'mahalla', 'social_worker')),
  add column comment text check (length(comment) between 1 and 2000),
  add column decision_id bigint references decision (id),
  add constraint change_request_contest_fields_check
    check ((type = 'contest_fact') = (fact is not null and source_agency is not null and comment is not null));

-- The documents a citizen attached to a request (uploaded first, then named by the request).
alter table document add column change_request_id uuid references change_request (id);
create index document_change_request_idx on document (change_request_id);
