import { describe, expect, it } from 'vitest';
import { loadCaseFiles, runCase } from './cases.ts';

/** Every `src/programs/<programme>/cases/*.cases.json` case, checked on the vector and the scalar path. */
const files = loadCaseFiles();

describe('rule test cases', () => {
  it('finds case files for every programme', () => {
    const folders = new Set(files.map((f) => f.file.split('/')[0]));
    expect([...folders].sort()).toEqual([
      'child-allowance',
      'exclusion-filters',
      'material-assistance',
      'social-registry',
    ]);
  });

  for (const file of files) {
    describe(file.file, () => {
      for (const c of file.cases) {
        it(c.name, () => {
          expect(runCase(c)).toEqual([]);
        });
      }
    });
  }
});
