import { contentSecurityPolicy } from '../platform/http/security-headers.ts';
import type { DemoAccount } from './demo-accounts.ts';
import { escapeHtml, PAGE_STYLE } from './html.ts';

/** The page's only script; the Content-Security-Policy allows it by its hash and nothing else inline. */
const LOGIN_SCRIPT = `
var csrf = null;
function show(session) {
  var a = session.actor;
  csrf = session.csrfToken;
  var signedIn = a.kind !== 'anonymous';
  document.getElementById('status').textContent = signedIn
    ? 'Kirgansiz / Signed in: ' + a.displayName + ' (' + a.grants.map(function (g) { return g.role; }).join(', ') + ')'
    : '';
  document.getElementById('logout').hidden = !signedIn;
}
function refresh() { fetch('/auth/session').then(function (r) { return r.json(); }).then(show); }
document.getElementById('login').addEventListener('submit', function (event) {
  event.preventDefault();
  var form = event.target;
  var body = { username: form.username.value, password: form.password.value };
  if (form.totp.value) body.totp = form.totp.value;
  fetch('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
    .then(function (res) {
      document.getElementById('error').textContent = res.ok ? '' : res.body.error.message;
      if (res.ok) { form.reset(); show(res.body); }
    });
});
document.getElementById('logout').addEventListener('click', function () {
  fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrf || '' } }).then(refresh);
});
refresh();
`;

export const LOGIN_PAGE_POLICY = contentSecurityPolicy({ scripts: [LOGIN_SCRIPT], styles: [PAGE_STYLE] });

/**
 * The plain sign-in page (the React console replaces it later). It works without JavaScript (the form
 * posts and the server redirects back here); with JavaScript the errors are shown in place and the
 * signed-in state is read from GET /auth/session.
 */
export function loginPage(options: {
  demoAccounts: DemoAccount[] | undefined;
  demoPassword: string;
}): string {
  const demo = options.demoAccounts
    ? `<section aria-labelledby="demo-heading">
<h2 id="demo-heading">Demo hisoblar / Demo accounts</h2>
<p>Parol / password: <code>${escapeHtml(options.demoPassword)}</code></p>
<table>
<thead><tr><th scope="col">Login</th><th scope="col">Rol / role</th><th scope="col">Hudud / area</th></tr></thead>
<tbody>
${options.demoAccounts
  .map((a) => {
    const grant = a.grants[0];
    const area = grant?.area ? `${grant.area.kind} ${grant.area.code}` : '—';
    return `<tr><td><code>${escapeHtml(a.username)}</code></td><td>${escapeHtml(grant?.role ?? '')}</td><td>${escapeHtml(area)}</td></tr>`;
  })
  .join('\n')}
</tbody>
</table>
</section>`
    : '';
  return `<!doctype html>
<html lang="uz-Latn">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kirish — Himoya</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
<h1>Himoya: tizimga kirish</h1>
<p id="status" role="status" aria-live="polite"></p>
<section aria-labelledby="citizen-heading">
<h2 id="citizen-heading">Fuqarolar / Citizens</h2>
<a class="button" href="/auth/citizen/login">OneID orqali kirish (Sign in with OneID)</a>
</section>
<section aria-labelledby="staff-heading">
<h2 id="staff-heading">Xodimlar / Staff</h2>
<form id="login" method="post" action="/auth/login">
<label for="username">Foydalanuvchi nomi / Username</label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">Parol / Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<label for="totp">Tasdiqlash kodi (agar yoqilgan bo'lsa) / Code from your authenticator, if on</label>
<input id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}">
<p id="error" class="message" role="alert"></p>
<button type="submit">Kirish / Sign in</button>
</form>
<button id="logout" type="button" class="secondary" hidden>Chiqish / Sign out</button>
</section>
${demo}
</main>
<script>${LOGIN_SCRIPT}</script>
</body>
</html>`;
}
