import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  callbackUriMatches,
  isRegisteredCallback,
  normaliseOutboundUrl,
  OutboundUrlError,
  parseOutboundUrl,
  postToPartner,
} from './outbound-url.ts';

const DEV = { httpsOnly: false };
const PROD = { httpsOnly: true };

const problemOf = (input: string, policy = DEV) => {
  try {
    parseOutboundUrl(input, policy);
    return 'accepted';
  } catch (error) {
    return error instanceof OutboundUrlError ? error.problem : 'other';
  }
};

describe('outbound URLs: parsing and normalisation', () => {
  it('refuses user info, such as the 127.0.0.1:x@0.0.0.0:4999 trick of finding 5', () => {
    expect(problemOf('http://127.0.0.1:x@0.0.0.0:4999/dci/registry/on-search')).toBe('credentials');
    expect(problemOf('https://user@partner.example/cb')).toBe('credentials');
    expect(problemOf('https://:secret@partner.example/cb')).toBe('credentials');
  });

  it('refuses other schemes, and plain http when only https is allowed (production)', () => {
    for (const input of [
      'ftp://partner.example/cb',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/plain,x',
      'gopher://127.0.0.1:5432/',
    ]) {
      expect(problemOf(input), input).toBe('scheme');
    }
    expect(problemOf('not a url')).toBe('not_a_url');
    expect(problemOf('/relative/cb')).toBe('not_a_url');
    expect(problemOf('http://partner.example/cb', PROD)).toBe('https_required');
    expect(problemOf('https://partner.example/cb', PROD)).toBe('accepted');
    expect(problemOf(`https://partner.example/${'a'.repeat(2001)}`)).toBe('too_long');
  });

  it('normalises host case, default ports, dot segments (also %2e%2e), duplicate slashes and escapes', () => {
    expect(normaliseOutboundUrl('HTTPS://Partner.EXAMPLE.:443//cb/./x/../y//z#frag', DEV)).toBe(
      'https://partner.example/cb/y/z',
    );
    expect(normaliseOutboundUrl('http://partner.example:80/cb/%2e%2e/%2E%2e/escaped', DEV)).toBe(
      'http://partner.example/escaped',
    );
    expect(normaliseOutboundUrl('http://partner.example/c%62/%7euser/a%3fb?q=1', DEV)).toBe(
      'http://partner.example/cb/~user/a%3Fb?q=1',
    );
    expect(normaliseOutboundUrl('http://partner.example/cb/', DEV)).toBe('http://partner.example/cb/');
    expect(normaliseOutboundUrl('http://2130706433:8080/cb', DEV)).toBe('http://127.0.0.1:8080/cb');
  });

  it('refuses what a receiving server could still turn into a path outside the checked one', () => {
    expect(problemOf('http://partner.example/cb/..%2f..%2fescaped')).toBe('encoded_separator');
    expect(problemOf('http://partner.example/cb/%5c..%5cescaped')).toBe('encoded_separator');
    expect(problemOf('http://partner.example/cb/..;/escaped')).toBe('dot_segment');
    expect(problemOf('http://partner.example/cb/%2e%2e;x/escaped')).toBe('dot_segment');
  });
});

describe('outbound URLs: a requested URL against a registered callback URI', () => {
  const registered = 'https://spmis.example/cb';

  it('compares by origin and path segments, not as strings', () => {
    expect(callbackUriMatches(registered, 'https://spmis.example/cb')).toBe(true);
    expect(callbackUriMatches(registered, 'https://spmis.example/cb/registry/on-search')).toBe(true);
    expect(callbackUriMatches('https://spmis.example/cb/', 'https://spmis.example/cb')).toBe(true);
    expect(callbackUriMatches(registered, 'https://SPMIS.example:443/cb/x')).toBe(true);
    // Finding 5: the dot segments climb out of /cb; a longer name is another segment.
    expect(callbackUriMatches(registered, 'https://spmis.example/cb/../../escaped')).toBe(false);
    expect(callbackUriMatches(registered, 'https://spmis.example/cb/%2e%2e/escaped')).toBe(false);
    expect(callbackUriMatches(registered, 'https://spmis.example/cbx')).toBe(false);
    expect(callbackUriMatches(registered, 'https://spmis.example/')).toBe(false);
    // Another origin: scheme, host or port.
    expect(callbackUriMatches(registered, 'http://spmis.example/cb')).toBe(false);
    expect(callbackUriMatches(registered, 'https://spmis.example:8443/cb')).toBe(false);
    expect(callbackUriMatches(registered, 'https://spmis.example.evil/cb')).toBe(false);
    expect(callbackUriMatches(registered, 'https://spmis.example@evil.example/cb')).toBe(false);
    // What the old prefix check let through: "every local port", and user info.
    expect(callbackUriMatches('http://127.0.0.1:', 'http://127.0.0.1:5432/')).toBe(false);
    expect(isRegisteredCallback('http://127.0.0.1:x@0.0.0.0:4999/dci', ['http://127.0.0.1:4999/dci'])).toBe(
      false,
    );
  });

  // Path segments that stress the parser: dots, encoded dots, empty ones, look-alikes of the registered one.
  const segment = fc.constantFrom(
    'cb',
    'cbx',
    'x',
    'registry',
    '..',
    '.',
    '%2e%2e',
    '%2E.',
    '.%2e',
    '',
    'c%62',
    '~u',
    'a;b',
  );
  const host = fc.constantFrom('spmis.example', 'SPMIS.example', 'spmis.example.', 'other.example');
  const port = fc.constantFrom('', ':443', ':8443', ':80');
  const scheme = fc.constantFrom('https', 'http');
  const requested = fc
    .tuple(scheme, host, port, fc.array(segment, { maxLength: 8 }))
    .map(([s, h, p, segs]) => `${s}://${h}${p}/${segs.join('/')}`);

  it('property: a match is always the same origin and a path under the registered one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('cb', 'x', 'registry'), { maxLength: 3 }),
        requested,
        (base, url) => {
          const reg = `https://spmis.example/${base.join('/')}`;
          if (!callbackUriMatches(reg, url)) return;
          // An independent reading of the URL: WHATWG's parse, then its segments with escapes decoded.
          const parsed = new URL(url);
          // A fully qualified name ('spmis.example.') is the same host.
          expect([parsed.protocol, parsed.hostname.replace(/\.$/, ''), parsed.port]).toEqual([
            'https:',
            'spmis.example',
            '',
          ]);
          const segments = parsed.pathname
            .split('/')
            .filter((s) => s !== '')
            .map((s) => decodeURIComponent(s));
          expect(segments.slice(0, base.length)).toEqual(base);
          expect(segments).not.toContain('..');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: any path under a registered URI matches, and normalising twice changes nothing', () => {
    const plain = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    fc.assert(
      fc.property(fc.array(plain, { maxLength: 3 }), fc.array(plain, { maxLength: 4 }), (base, extra) => {
        const reg = `https://spmis.example/${base.join('/')}`;
        const url = `https://spmis.example/${[...base, ...extra].join('/')}`;
        expect(callbackUriMatches(reg, url)).toBe(true);
        const once = normaliseOutboundUrl(url, PROD);
        expect(normaliseOutboundUrl(once, PROD)).toBe(once);
      }),
    );
  });

  it('property: climbing out of the registered path with dot segments never matches', () => {
    const plain = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    const dots = fc.constantFrom('..', '%2e%2e', '%2E%2E', '.%2e', '%2e.');
    fc.assert(
      fc.property(
        fc.array(plain, { minLength: 1, maxLength: 3 }),
        fc.array(dots, { minLength: 1, maxLength: 5 }),
        plain,
        (base, climb, escaped) => {
          fc.pre(climb.length >= base.length && escaped !== base[0]);
          const reg = `https://spmis.example/${base.join('/')}`;
          const url = `${reg}/${climb.join('/')}/${escaped}`;
          expect(callbackUriMatches(reg, url)).toBe(false);
        },
      ),
    );
  });

  it('property: a URL with user info is never accepted, whatever the rest', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9.]{1,10}$/);
    fc.assert(
      fc.property(part, fc.option(part, { nil: undefined }), host, port, (user, password, h, p) => {
        const info = password === undefined ? user : `${user}:${password}`;
        expect(problemOf(`http://${info}@${h}${p}/cb`)).toBe('credentials');
      }),
    );
  });
});

describe('outbound URLs: delivery never follows a redirect', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(
        (s) =>
          new Promise<void>((done) => {
            s.closeAllConnections();
            s.close(() => done());
          }),
      ),
    );
  });

  async function listen(handler: Parameters<typeof createServer>[1]) {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('a 307 to another port is a failed attempt; the other port receives nothing', async () => {
    const elsewhere: string[] = [];
    const target = await listen((req, res) => {
      elsewhere.push(`${req.method} ${req.url}`);
      res.writeHead(200).end('{}');
    });
    const first: string[] = [];
    const partner = await listen((req, res) => {
      first.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(307, { location: `${target}/stolen` }).end());
    });
    const outcome = await postToPartner(`${partner}/cb`, '{"secret":1}', { policy: DEV, timeoutMs: 5000 });
    expect(outcome).toMatchObject({ ok: false, kind: 'redirect', status: 307 });
    expect(outcome.ok ? '' : outcome.error).toContain(`${target}/stolen`);
    expect(first).toEqual(['POST /cb']);
    expect(elsewhere).toEqual([]);
  });

  it('refuses to call an address the rules refuse, without a request', async () => {
    const calls: string[] = [];
    const server = await listen((req, res) => {
      calls.push(req.url ?? '');
      res.writeHead(200).end();
    });
    const withCredentials = server.replace('http://', 'http://user:pw@');
    expect(await postToPartner(withCredentials, '{}', { policy: DEV, timeoutMs: 5000 })).toMatchObject({
      ok: false,
      kind: 'refused',
    });
    expect(await postToPartner(`${server}/cb`, '{}', { policy: PROD, timeoutMs: 5000 })).toMatchObject({
      ok: false,
      kind: 'refused',
    });
    expect(calls).toEqual([]);
    expect(await postToPartner(`${server}/cb`, '{}', { policy: DEV, timeoutMs: 5000 })).toEqual({
      ok: true,
      status: 200,
    });
  });
});
