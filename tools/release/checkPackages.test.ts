import { describe, expect, it } from 'vitest';
import { manifestProblems } from './checkPackages.ts';

const good = {
  name: '@iot-task/x',
  version: '0.1.0',
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  files: ['dist'],
  exports: { '.': { types: './dist/index.d.mts', import: './dist/index.mjs' }, './package.json': './package.json' },
};

describe('manifest rules for published packages', () => {
  it('a well-formed ESM manifest passes', () => {
    expect(manifestProblems(good, true)).toEqual([]);
  });

  it('names every broken rule', () => {
    expect(
      manifestProblems(
        {
          ...good,
          type: 'commonjs',
          sideEffects: true,
          files: ['dist', 'src'],
          exports: { '.': { import: './dist/index.mjs', types: './dist/index.d.mts', require: './dist/index.cjs' } },
        },
        false,
      ),
    ).toEqual([
      '"type" must be "module" (ESM only)',
      '"sideEffects" must be false',
      'README.md is missing',
      '"files" ships src: only dist, bin (and the spec documents) should',
      'exports["."]: "types" must come first',
      'exports["."]: ESM only, no "require"',
    ]);
  });
});
