import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../access/actor.ts';

/** Table types of migration 004_identity.sql. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Defaulted<T> = ColumnType<T, T | undefined, T>;
export type AreaKind = 'region' | 'district' | 'mahalla';

export interface AccountTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_enabled: Defaulted<boolean>;
  // int8 is parsed to a number (see database.ts).
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  failed_attempts: Defaulted<number>;
  locked_until: NullableTimestamp;
  disabled: Defaulted<boolean>;
  created_at: Generated<Date>;
}

export interface LoginThrottleTable {
  username: string;
  failed_attempts: Defaulted<number>;
  locked_until: NullableTimestamp;
}

/** Failed client authentications at /auth/token per 'client:<id>' and 'source:<ip>' (migration 014). */
export interface TokenThrottleTable {
  key: string;
  failed_attempts: Defaulted<number>;
  locked_until: NullableTimestamp;
  updated_at: Generated<Date>;
}

export interface RoleGrantTable {
  id: Generated<number>;
  account_id: string | null;
  person_id: string | null;
  role: Role;
  area_kind: AreaKind | null;
  area_code: string | null;
  organisation: string;
}

export interface AuthSessionTable {
  id: string;
  kind: 'staff' | 'citizen';
  account_id: string | null;
  person_id: string | null;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface MachineClientTable {
  id: string;
  secret_hash: string;
  agency: string;
  scopes: string[];
  area_kind: AreaKind | null;
  area_code: string | null;
  disabled: Defaulted<boolean>;
  created_at: Generated<Date>;
  /** Callback URIs Himoya may call the client back under (migration 015; normalised URLs). */
  callback_uris: ColumnType<string[], string[] | undefined, string[]>;
  /** DCI: where callbacks go when a message names no sender_uri; under one of callback_uris. */
  default_callback_uri: ColumnType<string | null, string | null | undefined, string | null>;
  /** DCI: the client's public signing key (a JWK); null = the client does not sign its messages. */
  signing_jwk: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** End of life of a client that exists only while a program runs (migration 014); null = for good. */
  expires_at: NullableTimestamp;
}

export interface AccessTokenTable {
  id: string;
  client_id: string;
  scopes: string[];
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface OidcLoginTable {
  state: string;
  code_verifier: string;
  nonce: string;
  created_at: Generated<Date>;
  used_at: NullableTimestamp;
}

export interface DemoIdpKeyTable {
  id: string;
  private_jwk: ColumnType<Record<string, unknown>, string, string>;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Date>;
}

export interface DemoIdpCodeTable {
  code: string;
  pinfl: string;
  client_id: string;
  redirect_uri: string;
  nonce: string | null;
  code_challenge: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface IdentityTables {
  account: AccountTable;
  login_throttle: LoginThrottleTable;
  token_throttle: TokenThrottleTable;
  role_grant: RoleGrantTable;
  auth_session: AuthSessionTable;
  machine_client: MachineClientTable;
  access_token: AccessTokenTable;
  oidc_login: OidcLoginTable;
  demo_idp_key: DemoIdpKeyTable;
  demo_idp_code: DemoIdpCodeTable;
}
