import { existsSync } from 'node:fs';

/**
 * Where Debian's Chromium is. Browser tests never download a browser: without one they are skipped
 * with a loud message, except in CI (REQUIRE_BROWSER=1), where a missing browser is a failure.
 */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => Boolean(path) && existsSync(path ?? ''));
}

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function browserAvailability(): { path: string | undefined; skipReason: string | undefined } {
  const path = findChromium();
  if (path) return { path, skipReason: undefined };
  const message =
    'BROWSER TESTS SKIPPED: no Chromium found. Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH).';
  if (process.env.REQUIRE_BROWSER === '1')
    throw new Error(`${message} REQUIRE_BROWSER=1 makes this a failure.`);
  console.warn(`\n${'!'.repeat(100)}\n${message}\n${'!'.repeat(100)}\n`);
  return { path: undefined, skipReason: message };
}
