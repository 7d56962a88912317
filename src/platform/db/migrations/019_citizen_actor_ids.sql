-- Citizens are named by person id in every row that records who did a step, as consent and the audit log
-- already name them ('citizen:<person id>'), not by PINFL: the identifier is personal data and a row that
-- records a step need not repeat it (issue 11). Rows written before this migration said 'citizen:<PINFL>';
-- they are rewritten through the person table. A PINFL no person holds any more is left as it was.

update change_request r set submitted_by = 'citizen:' || p.id from person p
  where r.submitted_by = 'citizen:' || p.pinfl;
update change_request r set decided_by = 'citizen:' || p.id from person p
  where r.decided_by = 'citizen:' || p.pinfl;
update duplicate_candidate r set reviewed_by = 'citizen:' || p.id from person p
  where r.reviewed_by = 'citizen:' || p.pinfl;
update override_request r set requested_by = 'citizen:' || p.id from person p
  where r.requested_by = 'citizen:' || p.pinfl;
update override_request r set reviewed_by = 'citizen:' || p.id from person p
  where r.reviewed_by = 'citizen:' || p.pinfl;
update appeal r set submitted_by = 'citizen:' || p.id from person p
  where r.submitted_by = 'citizen:' || p.pinfl;
update appeal_event r set actor = 'citizen:' || p.id from person p
  where r.actor = 'citizen:' || p.pinfl;
update application r set submitted_by = 'citizen:' || p.id from person p
  where r.submitted_by = 'citizen:' || p.pinfl;
update application r set questionnaire_by = 'citizen:' || p.id from person p
  where r.questionnaire_by = 'citizen:' || p.pinfl;
update application r set mahalla_by = 'citizen:' || p.id from person p
  where r.mahalla_by = 'citizen:' || p.pinfl;
