import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from './catalogue.ts';

/**
 * The registry is the only place a programme is spelled: outside its own folder, a programme id appears
 * only in tests, rule cases, documentation and the migrations shipped before the registry (001-016).
 * Variable and parameter names (`child_allowance.amount`) are the rules' namespace and do not count.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Code that reads the Social Registry status itself, by design, rather than a programme in general. */
const READS_THE_STATUS: Record<string, string> = {
  'src/dci/dci.repository.ts': 'the DCI Social Registry API answers with the household status',
  'src/consent/consent.routes.ts': 'an example of a consent counterpart in the OpenAPI text',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function allowed(file: string, folder: string): boolean {
  return (
    file.startsWith(`src/programs/${folder}/`) ||
    /\.test\.tsx?$/.test(file) ||
    file.endsWith('.cases.json') ||
    file.endsWith('.md') ||
    /^src\/platform\/db\/migrations\/0(0\d|1[0-6])_/.test(file) ||
    file in READS_THE_STATUS
  );
}

describe('programme ids are spelled in their folders only', () => {
  const files = [...filesUnder(join(ROOT, 'src')), ...filesUnder(join(ROOT, 'web/src'))].map((f) =>
    relative(ROOT, f),
  );

  it.each(CATALOGUE.map((p) => p.id))('%s', (id) => {
    const folder = id.replaceAll('_', '-');
    const spelled = new RegExp(`\\b${id}\\b(?!\\.)`);
    const offending = files.filter(
      (file) => !allowed(file, folder) && spelled.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(offending).toEqual([]);
  });
});
