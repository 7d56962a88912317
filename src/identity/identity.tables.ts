/** Table types of migration 004_identity.sql (filled in by the identity work). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in as the identity tables land
export interface IdentityTables {}
