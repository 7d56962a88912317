import { describe, expect, it } from 'vitest';
import type { RoleGrant } from '../access/actor.ts';
import {
  clientChangeNeedsApproval,
  clientReachWithoutApproval,
  grantChangeNeedsApproval,
  grantsWithoutApproval,
} from './reach.ts';

/** The four-eyes rule of ADR 004, case by case. */

const region = { kind: 'region' as const, code: '1733' };
const otherRegion = { kind: 'region' as const, code: '1703' };
const district = { kind: 'district' as const, code: '1733204' };
const grant = (role: RoleGrant['role'], area: RoleGrant['area']): RoleGrant => ({
  role,
  area,
  organisation: 'Office',
});

describe('which client changes need a second administrator', () => {
  it('a registry-reading scope over a region or no area does; over a district it does not', () => {
    for (const scope of ['registry.read', 'dci.search', 'dci.subscribe']) {
      expect(clientChangeNeedsApproval(null, { scopes: [scope], area: region })).toBe(true);
      expect(clientChangeNeedsApproval(null, { scopes: [scope], area: null })).toBe(true);
      expect(clientChangeNeedsApproval(null, { scopes: [scope], area: district })).toBe(false);
    }
  });

  it('events.push:any does whatever the area; other scopes never do', () => {
    expect(clientChangeNeedsApproval(null, { scopes: ['events.push:any'], area: district })).toBe(true);
    for (const scope of ['events.push', 'intake.submit', 'notifications.callback']) {
      expect(clientChangeNeedsApproval(null, { scopes: [scope], area: null })).toBe(false);
    }
  });

  it('only new reach counts: the same reach again, or less, does not; another region or no area does', () => {
    const held = { scopes: ['dci.search'], area: region };
    expect(clientChangeNeedsApproval(held, { scopes: ['dci.search', 'events.push'], area: region })).toBe(
      false,
    );
    expect(clientChangeNeedsApproval(held, { scopes: [], area: region })).toBe(false);
    expect(clientChangeNeedsApproval(held, { scopes: ['dci.search'], area: district })).toBe(false);
    expect(clientChangeNeedsApproval(held, { scopes: ['dci.search', 'dci.subscribe'], area: region })).toBe(
      true,
    );
    expect(clientChangeNeedsApproval(held, { scopes: ['dci.search'], area: otherRegion })).toBe(true);
    expect(clientChangeNeedsApproval(held, { scopes: ['dci.search'], area: null })).toBe(true);
    const relay = { scopes: ['events.push:any'], area: district };
    expect(clientChangeNeedsApproval(relay, { scopes: ['events.push:any'], area: null })).toBe(false);
  });

  it('a new client starts with the scopes that need no approval', () => {
    expect(
      clientReachWithoutApproval({ scopes: ['dci.search', 'events.push', 'events.push:any'], area: region }),
    ).toEqual({ scopes: ['events.push'], area: region });
  });
});

describe('which grant changes need a second administrator', () => {
  it('a role that acts, over a region or with no area, does; a district or a vendor does not', () => {
    for (const role of ['regional_admin', 'auditor', 'commission_member', 'district_officer'] as const) {
      expect(grantChangeNeedsApproval(null, [grant(role, region)])).toBe(true);
      expect(grantChangeNeedsApproval(null, [grant(role, null)])).toBe(true);
    }
    expect(grantChangeNeedsApproval(null, [grant('district_officer', district)])).toBe(false);
    expect(grantChangeNeedsApproval(null, [grant('vendor', null)])).toBe(false);
  });

  it('only a wide grant not held before counts (organisation names do not)', () => {
    const held = [grant('auditor', region)];
    expect(grantChangeNeedsApproval(held, [{ ...grant('auditor', region), organisation: 'Renamed' }])).toBe(
      false,
    );
    expect(grantChangeNeedsApproval(held, [])).toBe(false);
    expect(grantChangeNeedsApproval(held, [grant('auditor', otherRegion)])).toBe(true);
    expect(grantChangeNeedsApproval(held, [grant('auditor', null)])).toBe(true);
    expect(grantChangeNeedsApproval(held, [grant('auditor', region), grant('regional_admin', region)])).toBe(
      true,
    );
  });

  it('a new account starts with the grants that need no approval', () => {
    expect(
      grantsWithoutApproval([
        grant('auditor', region),
        grant('social_worker', district),
        grant('vendor', null),
      ]),
    ).toEqual([grant('social_worker', district), grant('vendor', null)]);
  });
});
