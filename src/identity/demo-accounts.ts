import type { Area } from '../access/actor.ts';
import type { Database } from '../platform/db/database.ts';
import { KHOREZM_CODE } from '../territory/territory.data.ts';
import { busiestMahallas } from './demo-idp.repository.ts';
import {
  findMachineClient,
  listUsernames,
  type NewGrant,
  setMachineClientReach,
} from './identity.repository.ts';
import { createMachineClient } from './machine.service.ts';
import { createStaffAccount, normaliseUsername } from './staff.service.ts';

/**
 * Demo accounts (DEMO mode only; never in production): one staff account per staff role, bound to real
 * areas of the seeded registry, all with one documented password, and one machine client.
 */
export const DEMO_PASSWORD = 'himoya-demo';
/**
 * Its secret is documented, so it reaches little: DCI search only (no registry reads), in one district
 * (the busiest mahalla's, like the `district` account), not the region.
 */
export const DEMO_MACHINE_CLIENT = { clientId: 'demo-agency', secret: 'himoya-demo-agency-secret' } as const;
export const DEMO_MACHINE_SCOPES = ['dci.search'];
/** Where the demo client's DCI callbacks go (its on-search, txn/on-status under this base). */
export const DEMO_MACHINE_CALLBACK_URI = 'http://127.0.0.1:8099/dci';
/** Demo mode never runs in production: a plain-http callback on this machine is allowed. */
const DEMO_OUTBOUND_POLICY = { httpsOnly: false };

export interface DemoAccount {
  username: string;
  displayName: string;
  grants: NewGrant[];
}

/** The demo staff, given the two mahallas with the most households (ties broken by code). */
export async function demoAccounts(database: Database): Promise<DemoAccount[]> {
  const [first, second] = await busiestMahallas(database.db, 2);
  if (!first) return [];
  const other = second ?? first;
  const mahalla = (code: string) => ({ kind: 'mahalla' as const, code });
  const district = { kind: 'district' as const, code: first.district };
  const region = { kind: 'region' as const, code: KHOREZM_CODE };
  const inson = 'Inson ijtimoiy xizmatlar markazi';
  return [
    {
      username: 'worker1',
      displayName: 'Dilnoza Rahimova (ijtimoiy xodim)',
      grants: [{ role: 'social_worker', area: mahalla(first.mahalla), organisation: inson }],
    },
    {
      username: 'worker2',
      displayName: 'Jasur Karimov (ijtimoiy xodim)',
      grants: [{ role: 'social_worker', area: mahalla(other.mahalla), organisation: inson }],
    },
    {
      username: 'district',
      displayName: "Bobur Yusupov (tuman bo'limi)",
      grants: [{ role: 'district_officer', area: district, organisation: 'Tuman ijtimoiy himoya bo‘limi' }],
    },
    {
      username: 'assessor',
      displayName: 'Gulnora Saidova (nogironlikni baholovchi)',
      grants: [{ role: 'disability_assessor', area: district, organisation: inson }],
    },
    {
      username: 'commission',
      displayName: "Aziz Tursunov (komissiya a'zosi)",
      grants: [
        { role: 'commission_member', area: region, organisation: 'Tibbiy-ijtimoiy ekspert komissiyasi' },
      ],
    },
    {
      username: 'youth',
      displayName: 'Shahnoza Olimova (yoshlar ishlari)',
      grants: [{ role: 'youth_officer', area: district, organisation: 'Yoshlar ishlari agentligi' }],
    },
    {
      username: 'admin',
      displayName: 'Rustam Ergashev (viloyat administratori)',
      grants: [{ role: 'regional_admin', area: region, organisation: 'Xorazm viloyati hokimligi' }],
    },
    {
      username: 'auditor',
      displayName: 'Malika Nurmatova (auditor)',
      grants: [{ role: 'auditor', area: region, organisation: 'Ichki audit' }],
    },
    {
      username: 'finance',
      displayName: 'Dilshod Qodirov (moliya bo‘limi)',
      grants: [
        { role: 'finance', area: region, organisation: 'Ijtimoiy himoya boshqarmasi, moliya bo‘limi' },
      ],
    },
    {
      username: 'finance2',
      displayName: 'Nodira Karimova (moliya bo‘limi boshlig‘i)',
      grants: [
        { role: 'finance', area: region, organisation: 'Ijtimoiy himoya boshqarmasi, moliya bo‘limi' },
      ],
    },
    {
      username: 'vendor',
      displayName: 'Vendor (yordamchi vositalar yetkazib beruvchi)',
      grants: [{ role: 'vendor', area: null, organisation: 'Demo vendor' }],
    },
  ];
}

/**
 * Creates the demo accounts that do not exist yet (idempotent: existing ones, and any password a
 * tester changed, are left alone). Returns the usernames created.
 */
export async function installDemoAccounts(database: Database): Promise<string[]> {
  const { db } = database;
  const accounts = await demoAccounts(database);
  const existing = new Set((await listUsernames(db)).map(normaliseUsername));
  const created: string[] = [];
  for (const account of accounts) {
    if (existing.has(account.username)) continue;
    const id = await createStaffAccount(db, { ...account, password: DEMO_PASSWORD });
    if (id) created.push(account.username);
  }
  const [busiest] = await busiestMahallas(db, 1);
  const area: Area = busiest
    ? { kind: 'district', code: busiest.district }
    : { kind: 'region', code: KHOREZM_CODE };
  const client = await findMachineClient(db, DEMO_MACHINE_CLIENT.clientId);
  if (!client) {
    await createMachineClient(
      db,
      {
        ...DEMO_MACHINE_CLIENT,
        agency: 'Demo agency (DCI)',
        scopes: DEMO_MACHINE_SCOPES,
        area,
        // One exact address on this machine for a demo caller's DCI endpoints, never "any local port".
        callbackUris: [DEMO_MACHINE_CALLBACK_URI],
        defaultCallbackUri: DEMO_MACHINE_CALLBACK_URI,
      },
      DEMO_OUTBOUND_POLICY,
    );
  } else if (
    client.scopes.join(' ') !== [...DEMO_MACHINE_SCOPES].sort().join(' ') ||
    client.area?.kind !== area.kind ||
    client.area.code !== area.code
  ) {
    // A demo database made before the client was narrowed: it had registry reads over the region.
    await setMachineClientReach(db, client.id, [...DEMO_MACHINE_SCOPES].sort(), area);
  }
  return created;
}
