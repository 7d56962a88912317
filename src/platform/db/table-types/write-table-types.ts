import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freshTableTypes, GENERATED_FILE } from './fresh-table-types.ts';

/** `npm run db:types`: regenerates tables.generated.ts from the migrations (on PGlite, no setup needed). */
async function main(): Promise<void> {
  const source = await freshTableTypes();
  writeFileSync(GENERATED_FILE, source);
  console.log(`wrote ${fileURLToPath(GENERATED_FILE)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
