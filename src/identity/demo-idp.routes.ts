import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { contentSecurityPolicy } from '../platform/http/security-headers.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { isBasicAuthorization, parseBasicCredentials } from './basic-credentials.ts';
import { type DemoCitizen, listHeadsOfHouseholds } from './demo-idp.repository.ts';
import { discoveryDocument, ensureDemoIdpKey, issueDemoCode, redeemDemoCode } from './demo-idp.service.ts';
import { escapeHtml, PAGE_STYLE } from './html.ts';
import { DEMO_IDP_PATH, DEMO_OIDC_CLIENT_SECRET, identitySettings } from './identity.settings.ts';
import { newToken, sameSecret } from './tokens.ts';

/**
 * The demo OpenID provider's endpoints, mounted only in DEMO mode (see demo-idp.service.ts). The
 * authorize page lists some heads of households of the seeded registry to sign in as.
 */

const AuthorizeParams = z.object({
  response_type: z.literal('code'),
  client_id: z.string().min(1).max(200),
  redirect_uri: z.string().min(1).max(2000),
  scope: z
    .string()
    .max(500)
    .refine((s) => s.split(' ').includes('openid'), 'scope must include openid'),
  state: z.string().min(1).max(512),
  nonce: z.string().max(512).optional(),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'S256 challenge'),
  code_challenge_method: z.literal('S256'),
});
type AuthorizeParams = z.infer<typeof AuthorizeParams>;
const Pick = AuthorizeParams.extend({ pinfl: z.string().regex(/^[0-9]{14}$/) });

const AUTHORIZE_STYLE = `${PAGE_STYLE} ul { list-style: none; padding: 0; } li button { width: 100%; text-align: left; }`;
/** The authorize page's only inline code is its style block, allowed by hash. */
const AUTHORIZE_POLICY = contentSecurityPolicy({ styles: [AUTHORIZE_STYLE] });

function authorizePage(params: AuthorizeParams, citizens: DemoCitizen[]): string {
  const hidden = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(String(v))}">`)
    .join('');
  const rows = citizens
    .map(
      (c) => `<li><form method="post" action="${DEMO_IDP_PATH}/authorize">${hidden}
<input type="hidden" name="pinfl" value="${escapeHtml(c.pinfl)}">
<button type="submit">${escapeHtml(c.name)}, ${escapeHtml(c.mahalla)} <span class="pinfl">(${escapeHtml(c.pinfl)})</span></button>
</form></li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="uz-Latn">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo OneID — Himoya</title><style>${AUTHORIZE_STYLE}</style></head>
<body><main>
<h1>Demo OneID</h1>
<p>Bu haqiqiy OneID emas: namoyish uchun fuqaroni tanlang. / This is not the real OneID: pick a demo citizen.</p>
${citizens.length > 0 ? `<ul aria-label="Demo fuqarolar / demo citizens">${rows}</ul>` : '<p>Reyestrda fuqaro yo‘q. / The registry has no citizens yet.</p>'}
</main></body></html>`;
}

const oauthError = (reply: FastifyReply, status: number, error: string, description?: string) =>
  reply
    .status(status)
    .header('cache-control', 'no-store')
    .send({ error, ...(description ? { error_description: description } : {}) });

export const demoIdpRoutes: HttpPlugin = async (app, ctx) => {
  const { db } = ctx.database;
  const settings = identitySettings(ctx.config);
  const issuer = `${settings.publicUrl}${DEMO_IDP_PATH}`;
  // The one client this provider knows: Himoya itself, as config.ts describes it.
  const client = {
    id: ctx.config.OIDC_CLIENT_ID,
    secret: ctx.config.OIDC_CLIENT_SECRET ?? DEMO_OIDC_CLIENT_SECRET,
    redirectUri: ctx.config.OIDC_REDIRECT_URI ?? `${settings.publicUrl}/auth/citizen/callback`,
  };
  const key = await ensureDemoIdpKey(db);
  const hide = { hide: true };

  app.get(
    `${DEMO_IDP_PATH}/.well-known/openid-configuration`,
    { schema: hide, config: { access: { public: true } } },
    async () => discoveryDocument(issuer),
  );
  app.get(`${DEMO_IDP_PATH}/jwks`, { schema: hide, config: { access: { public: true } } }, async () => ({
    keys: [key.publicJwk],
  }));

  const badRequest = (reply: FastifyReply, what: string) =>
    reply
      .status(400)
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo OneID</title></head>
<body><main><h1>Demo OneID</h1><p>${escapeHtml(what)}</p></main></body></html>`);

  app.get(
    `${DEMO_IDP_PATH}/authorize`,
    { schema: hide, config: { access: { public: true } } },
    async (request, reply) => {
      const params = AuthorizeParams.safeParse(request.query);
      if (!params.success) return badRequest(reply, 'The sign-in request is not valid.');
      // Never redirect to an address the client did not register (an open redirector otherwise).
      if (params.data.client_id !== client.id || params.data.redirect_uri !== client.redirectUri) {
        return badRequest(reply, 'Unknown client or redirect address.');
      }
      const citizens = await listHeadsOfHouseholds(db, 12);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', AUTHORIZE_POLICY)
        .send(authorizePage(params.data, citizens));
    },
  );

  app.post(
    `${DEMO_IDP_PATH}/authorize`,
    { schema: hide, config: { csrf: false, access: { public: true } } },
    async (request, reply) => {
      const pick = Pick.safeParse(request.body);
      if (!pick.success) return badRequest(reply, 'The sign-in request is not valid.');
      const p = pick.data;
      if (p.client_id !== client.id || p.redirect_uri !== client.redirectUri) {
        return badRequest(reply, 'Unknown client or redirect address.');
      }
      const code = await issueDemoCode(db, {
        pinfl: p.pinfl,
        clientId: p.client_id,
        redirectUri: p.redirect_uri,
        nonce: p.nonce ?? null,
        codeChallenge: p.code_challenge,
      });
      const target = new URL(p.redirect_uri);
      target.searchParams.set('code', code);
      target.searchParams.set('state', p.state);
      return reply.redirect(target.toString(), 302);
    },
  );

  app.post(
    `${DEMO_IDP_PATH}/token`,
    { schema: hide, config: { csrf: false, access: { public: true } } },
    async (request, reply) => {
      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<
        string,
        unknown
      >;
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      let clientId = str(body.client_id);
      let clientSecret = str(body.client_secret);
      const authorization = request.headers.authorization;
      if (isBasicAuthorization(authorization)) {
        const basic = parseBasicCredentials(authorization);
        if (!basic) return oauthError(reply, 401, 'invalid_client');
        ({ clientId, clientSecret } = basic);
      }
      if (clientId !== client.id || !clientSecret || !sameSecret(clientSecret, client.secret)) {
        return oauthError(reply, 401, 'invalid_client');
      }
      if (body.grant_type !== 'authorization_code') return oauthError(reply, 400, 'unsupported_grant_type');
      const code = str(body.code);
      const codeVerifier = str(body.code_verifier);
      const redirectUri = str(body.redirect_uri);
      if (!code || !codeVerifier || !redirectUri) return oauthError(reply, 400, 'invalid_request');
      const result = await redeemDemoCode(db, key, { code, codeVerifier, clientId, redirectUri, issuer });
      if ('error' in result) return oauthError(reply, 400, result.error);
      return reply.header('cache-control', 'no-store').send({
        access_token: newToken(),
        token_type: 'Bearer',
        expires_in: 300,
        id_token: result.idToken,
      });
    },
  );
};
