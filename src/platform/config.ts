import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';

/**
 * The one typed configuration object. Every variable has a description so that a bad value at boot
 * names the variable and what it should be; the server refuses to start rather than guess.
 */
/** TRUST_PROXY as Fastify's `trustProxy` takes it: a boolean, a hop count or a list of addresses. */
function trustProxyOf(value: string): boolean | number | string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^[0-9]{1,2}$/.test(value)) return Number(value);
  return value.split(',').map((address) => address.trim());
}

const booleanString = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe('HTTP port the server listens on'),
  HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'Interface the server binds to; the default serves this machine only (a reverse proxy on it, or set 0.0.0.0 in a container)',
    ),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|[0-9]{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/,
      "must be 'true', 'false', a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs",
    )
    .default('false')
    .transform(trustProxyOf)
    .describe(
      "Reverse proxies whose X-Forwarded-For/-Proto headers are believed (client address for throttling, HTTPS for Secure cookies): 'false', 'true' (any), hops, or addresses",
    ),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .describe('Folder where the embedded database (PGlite) keeps its files when DATABASE_URL is not set'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe('PostgreSQL connection URL; when absent the embedded PGlite database is used'),
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe(
      'A streaming replica of DATABASE_URL for reads that tolerate a few seconds of staleness (lists, search, counts); unset = all reads on the primary',
    ),
  DATABASE_LISTEN_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .describe(
      'The primary reached without a transaction-pooling proxy, for the one connection that LISTENs (session notices, ADR 015); unset = DATABASE_URL',
    ),
  READ_REPLICA_RETRY_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe(
      'After the read replica could not be reached, reads go to the primary for this long before it is tried again',
    ),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .optional()
    .describe('PostgreSQL schema to keep the data in (created if missing); default the search path'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development').describe('Runtime mode'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  SEED_HOUSEHOLDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(20000)
    .describe('Households of the synthetic Khorezm population seeded when the database is empty (0 = none)'),
  SEED: z.coerce.number().int().default(2026).describe('Random seed of the synthetic population'),
  DEMO: booleanString
    .optional()
    .describe('Demo mode (demo data and accounts); default true unless production'),
  JOBS: booleanString.default(true).describe('Run the durable job workers in this process'),
  EVALUATE_SCHEDULE: z
    .string()
    .regex(/^(off|(\S+\s+){4}\S+)$/, "must be a five-field cron expression or 'off'")
    .default('0 2 * * *')
    .describe("When the proactive evaluation of every household runs, cron in Tashkent time; 'off' = never"),
  // Payments (src/payments/README.md).
  PAYMENT_FOUR_EYES_ABOVE: z.coerce
    .number()
    .int()
    .min(0)
    .default(500_000_000)
    .describe("A payment batch above this total (so'm) needs two different finance officers' approvals"),
  PAYROLL_SCHEDULE: z
    .string()
    .regex(/^(off|(\S+\s+){4}\S+)$/, "must be a five-field cron expression or 'off'")
    .default('0 6 1 * *')
    .describe(
      "When each monthly programme's payroll of the month is built, cron in Tashkent time; 'off' = never",
    ),
  // Identity (src/identity/README.md).
  PUBLIC_URL: z
    .url()
    .optional()
    .describe(
      'Address users reach the server at, e.g. https://himoya.example.uz; default http://localhost:PORT',
    ),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('A signed-in session ends after this many minutes without a request'),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(12)
    .describe('A signed-in session ends this many hours after sign-in, however active'),
  SESSION_MEMORY_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(300)
    .default(30)
    .describe(
      'Each process keeps a session it has read for at most this long, dropped at once on a change (ADR 015); 0 = read every time',
    ),
  LOGIN_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Consecutive failed staff sign-ins after which the username is locked'),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15).describe('How long a lockout lasts'),
  ACCESS_TOKEN_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(3600)
    .describe('Lifetime of an OAuth2 access token issued to a machine client'),
  TOKEN_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Failed client authentications at /auth/token after which the client id is locked'),
  TOKEN_SOURCE_MAX_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe('Failed client authentications at /auth/token after which the source address is locked'),
  TOKEN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(15)
    .describe('How long a /auth/token lock lasts; failures older than this are forgotten'),
  OIDC_ISSUER: z
    .url()
    .optional()
    .describe("OneID (OpenID Connect) issuer URL; in demo mode the default is this server's /demo-idp"),
  OIDC_CLIENT_ID: z
    .string()
    .min(1)
    .default('himoya')
    .describe('Client id of Himoya at the identity provider'),
  OIDC_CLIENT_SECRET: z
    .string()
    .min(1)
    .optional()
    .describe('Client secret of Himoya at the identity provider (demo mode has a built-in one)'),
  OIDC_REDIRECT_URI: z
    .url()
    .optional()
    .describe('Callback registered at the identity provider; default PUBLIC_URL/auth/citizen/callback'),
  OIDC_SCOPE: z.string().min(1).default('openid').describe('Scopes asked of the identity provider'),
  OIDC_PINFL_CLAIM: z
    .string()
    .min(1)
    .default('pin')
    .describe('ID token claim that carries the PINFL (OneID calls it "pin")'),
  // Notifications and the my.gov.uz intake (src/notifications/README.md, src/intake/README.md).
  SMS_PROVIDER: z
    .enum(['console', 'http'])
    .default('console')
    .describe(
      "How SMS are sent: 'console' logs them (and counts them delivered), 'http' posts to SMS_PROVIDER_URL",
    ),
  SMS_PROVIDER_URL: z
    .url()
    .optional()
    .describe("The SMS gateway's send endpoint (needed when SMS_PROVIDER=http)"),
  SMS_PROVIDER_API_KEY: z.string().min(1).optional().describe('API key sent to the SMS gateway'),
  SMS_PROVIDER_API_KEY_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default('x-api-key')
    .describe('Header that carries SMS_PROVIDER_API_KEY'),
  SMS_PROVIDER_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe('A send to the SMS gateway slower than this counts as failed (and is retried)'),
  SMS_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Attempts to send one SMS (exponential backoff between them) before it is marked failed'),
  SMS_CALLBACK_SECRET: z
    .string()
    .min(16)
    .optional()
    .describe('Shared secret the SMS gateway sends in x-himoya-callback-secret with delivery reports'),
  INTAKE_CALLBACK_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Attempts to deliver one status callback to my.gov.uz before it is marked failed'),
  INTAKE_CALLBACK_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe('A status callback to my.gov.uz slower than this counts as failed (and is retried)'),
  // Documents citizens upload (src/documents).
  DOCUMENT_MAX_PER_PERSON: z.coerce
    .number()
    .int()
    .min(1)
    .default(50)
    .describe('Documents one person may upload in all'),
  DOCUMENT_MAX_BYTES_PER_PERSON: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * 1024 * 1024)
    .describe('Total size in bytes of the documents one person may upload (default 50 MB)'),
  // Inter-agency data exchange (src/integration/README.md).
  INTEGRATION_AGENCY_URL: z
    .url()
    .optional()
    .describe("Base URL of the agencies' API (e.g. the simulator, http://localhost:4100); unset = no pulls"),
  INTEGRATION_PULL_SCHEDULE: z
    .string()
    .regex(/^(off|(\S+\s+){4}\S+)$/, "must be a five-field cron expression or 'off'")
    .default('*/15 * * * *')
    .describe("When every agency is pulled (cron, Tashkent time; 'off' = on demand only)"),
  INTEGRATION_PAGE_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(5000)
    .describe('Records asked for per page when pulling from an agency'),
  INTEGRATION_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50)
    .default(5000)
    .describe('A page request to an agency slower than this fails (and is retried)'),
  INTEGRATION_RETRIES: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(3)
    .describe('Retries of a failed page request, with exponential backoff'),
  INTEGRATION_BREAKER_FAILURES: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Consecutive failed pulls of an agency that open its circuit breaker'),
  INTEGRATION_BREAKER_COOLDOWN_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .default(60)
    .describe('Seconds an open circuit breaker waits before one trial pull'),
  // The DCI Social Registry API (src/dci/README.md).
  DCI_SIGNING_KEY: z
    .string()
    .refine(
      isPrivateEd25519Jwk,
      'must be a private Ed25519 key as a JWK in JSON: {"kty":"OKP","crv":"Ed25519","x":"…","d":"…"}',
    )
    .optional()
    .describe(
      "Himoya's private key that signs its DCI messages; default: a key made on first use and kept in the database",
    ),
});

/** A private Ed25519 JWK that node:crypto can use (checked at boot, so a bad key stops the start). */
function isPrivateEd25519Jwk(text: string): boolean {
  try {
    const jwk = JSON.parse(text) as Record<string, unknown>;
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') return false;
    return createPrivateKey({ key: jwk, format: 'jwk' }).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}

export type Config = z.infer<typeof ConfigSchema> & { DEMO: boolean };

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const parsed = ConfigSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        const description = ConfigSchema.shape[key as keyof typeof ConfigSchema.shape]?.description ?? '';
        return `${key}: ${issue.message}${description ? ` (${description})` : ''}`;
      }),
    );
  }
  return { ...parsed.data, DEMO: parsed.data.DEMO ?? parsed.data.NODE_ENV !== 'production' };
}
