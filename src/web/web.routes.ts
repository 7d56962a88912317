import type { HttpPlugin } from '../platform/http/server.ts';

/**
 * The start page. The citizen portal and staff console (React) replace it in the web issue; until then it
 * tells a visitor what is running and where the API and its documentation are.
 */
const PAGE = `<!doctype html>
<html lang="uz-Latn">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Himoya — Ijtimoiy himoya</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #0b0c0c; }
  h1 { font-size: 2rem; margin-bottom: .25rem; }
  a { color: #1d4f91; } a:focus { outline: 3px solid #ffbf47; outline-offset: 0; }
  .stat { font-size: 1.25rem; }
</style>
</head>
<body>
<main>
<h1>Himoya</h1>
<p lang="uz-Latn">Xorazm viloyati ijtimoiy himoya tizimi: Ijtimoiy reyestr va proaktiv xizmatlar.</p>
<p lang="en">Social protection platform of the Khorezm region: Social Registry and proactive services.</p>
<p class="stat" id="stats" aria-live="polite">Ijtimoiy reyestr yuklanmoqda…</p>
<ul>
  <li><a href="/login">Tizimga kirish / Sign in</a></li>
  <li><a href="/docs">API documentation (OpenAPI)</a></li>
  <li><a href="/api/registry/summary">Registry summary (JSON)</a></li>
  <li><a href="/health">Health</a></li>
</ul>
</main>
<script>
// The registry's counts are data too: shown to a signed-in user, for their own areas only.
var stats = document.getElementById('stats');
fetch('/auth/session').then(function (r) { return r.json(); }).then(function (session) {
  if (!session.actor || session.actor.kind === 'anonymous') {
    stats.textContent = 'Reyestr ma\u2019lumotlarini ko\u2018rish uchun tizimga kiring.';
    return;
  }
  return fetch('/api/registry/summary').then(function (r) { return r.json(); }).then(function (s) {
    stats.textContent = s.households.toLocaleString('uz') + ' oila, ' + s.persons.toLocaleString('uz') +
      ' shaxs, ' + s.mahallas + ' mahalla';
  });
}).catch(function () { stats.textContent = ''; });
</script>
</body>
</html>`;

export const webRoutes: HttpPlugin = (app) => {
  app.get('/', { schema: { hide: true }, config: { access: { public: true } } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
};
