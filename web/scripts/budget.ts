/**
 * After `vite build`: precompresses the assets (gzip and brotli, served when the browser accepts them) and
 * checks the budget of the citizen portal's first page: the entry's JS + CSS, their static imports and the
 * start page's chunk, compressed, must stay under 150 KB.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIST = 'web/dist';
const BUDGET = 150 * 1024;

interface Chunk {
  file: string;
  css?: string[];
  imports?: string[];
}
const manifest = JSON.parse(readFileSync(join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;

const critical = new Set<string>();
function collect(key: string): void {
  const chunk = manifest[key];
  if (!chunk || critical.has(chunk.file)) return;
  critical.add(chunk.file);
  for (const css of chunk.css ?? []) critical.add(css);
  for (const imported of chunk.imports ?? []) collect(imported);
}
collect('index.html');
collect('src/pages/citizen/home.tsx');

const sizes = { raw: 0, gzip: 0, brotli: 0 };
for (const file of readdirSync(join(DIST, 'assets'))) {
  if (!/\.(js|css)$/.test(file)) continue;
  const path = join(DIST, 'assets', file);
  const content = readFileSync(path);
  const gzip = gzipSync(content, { level: 9 });
  const brotli = brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(`${path}.gz`, gzip);
  writeFileSync(`${path}.br`, brotli);
  if (critical.has(`assets/${file}`)) {
    sizes.raw += content.length;
    sizes.gzip += gzip.length;
    sizes.brotli += brotli.length;
  }
}
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(`Citizen entry (first page: ${[...critical].join(', ')})`);
console.log(
  `  raw ${kb(sizes.raw)}, gzip ${kb(sizes.gzip)}, brotli ${kb(sizes.brotli)} (budget ${kb(BUDGET)} compressed)`,
);
if (sizes.gzip > BUDGET) {
  console.error(`Over budget: the citizen entry is ${kb(sizes.gzip)} gzip, more than ${kb(BUDGET)}.`);
  process.exit(1);
}
