import type { Selectable } from 'kysely';
import type * as Tables from '../platform/db/tables.generated.ts';

/** Table types of migration 004_identity.sql. */
export type AreaKind = NonNullable<Selectable<RoleGrantTable>['area_kind']>;

export type AccountTable = Tables.Account;

export type LoginThrottleTable = Tables.LoginThrottle;

/** Failed client authentications at /auth/token per 'client:<id>' and 'source:<ip>' (migration 014). */
export type TokenThrottleTable = Tables.TokenThrottle;

export type RoleGrantTable = Tables.RoleGrant;

export type AuthSessionTable = Tables.AuthSession;

export type MachineClientTable = Tables.MachineClient;

export type AccessTokenTable = Tables.AccessToken;

export type OidcLoginTable = Tables.OidcLogin;

export type DemoIdpKeyTable = Tables.DemoIdpKey;

export type DemoIdpCodeTable = Tables.DemoIdpCode;
