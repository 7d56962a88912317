import type { Database } from '../../platform/db/database.ts';

/**
 * member_name (migration 030): the folded names of each mahalla's current members, read by a search confined
 * to mahallas. Its triggers keep it exact for every write; this file is for the bulk seed only, which loads
 * the registry with parallel COPY streams into tables whose keys are dropped meanwhile. There the triggers
 * would do nothing useful: each stream is its own transaction, so a membership's trigger does not see the
 * persons or households other streams have not committed yet, and each one would hash tables without their
 * keys. So the seed switches them off for the load and fills the table in one statement after it.
 */
const TRIGGERS: Record<string, readonly string[]> = {
  membership: ['member_name_insert', 'member_name_update', 'member_name_delete', 'member_name_truncate'],
  person: ['member_name_update', 'member_name_truncate'],
  household: ['member_name_update', 'member_name_truncate'],
};

const alterTriggers = (action: 'enable' | 'disable') =>
  Object.entries(TRIGGERS)
    .map(
      ([table, triggers]) =>
        `alter table ${table} ${triggers.map((t) => `${action} trigger ${t}`).join(', ')};`,
    )
    .join(' ');

/** Before a bulk load into an empty registry: member_name's triggers off (it is empty too). */
export async function suspendMemberNames(database: Database): Promise<void> {
  await database.exec(alterTriggers('disable'));
}

/**
 * After the load (or after a failed one, which leaves the registry empty): the triggers on again and the
 * table filled from its defining view, in one transaction (ALTER TABLE holds writers to the three tables
 * off until it commits, so no write falls between the fill and the triggers).
 */
export async function resumeMemberNames(database: Database): Promise<void> {
  await database.exec(
    `${alterTriggers('enable')} truncate member_name; insert into member_name select * from member_name_source;`,
  );
}
