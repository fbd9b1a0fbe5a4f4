import { describe, expect, it } from 'vitest';
import { parseChangeset, uncoveredPackages } from './changesetCoverage.ts';

const fixed = [['@iot-task/spec', '@iot-task/client', '@iot-task/msw']];
const reached = ['@iot-task/client', '@iot-task/msw', '@iot-task/spec'];

describe('changeset coverage of a spec change', () => {
  it('reads the front matter of a changeset', () => {
    expect(
      parseChangeset('a.md', '---\n"@iot-task/spec": minor\n\'@iot-task/client\': patch\n---\n\nspec: a sentence.\n'),
    ).toEqual({
      file: 'a.md',
      releases: { '@iot-task/spec': 'minor', '@iot-task/client': 'patch' },
    });
  });

  it('a minor change needs at least a minor bump for every package reached', () => {
    expect(uncoveredPackages('minor', reached, [], fixed).map((p) => p.name)).toEqual(reached);
    const patchOnly = [parseChangeset('p.md', '---\n"@iot-task/spec": patch\n---\n')];
    expect(uncoveredPackages('minor', reached, patchOnly, fixed)).toEqual(
      reached.map((name) => ({ name, bump: 'patch' })),
    );
  });

  it('one changeset on a package of a fixed group covers the whole group', () => {
    const minor = [parseChangeset('m.md', '---\n"@iot-task/client": minor\n---\n')];
    expect(uncoveredPackages('minor', reached, minor, fixed)).toEqual([]);
    expect(uncoveredPackages('major', reached, minor, fixed)).toHaveLength(3);
  });

  it('outside a fixed group each reached package needs its own', () => {
    const minor = [parseChangeset('m.md', '---\n"@iot-task/spec": major\n---\n')];
    expect(uncoveredPackages('major', ['@iot-task/spec', '@iot-task/react'], minor, [])).toEqual([
      { name: '@iot-task/react', bump: 'none' },
    ]);
  });

  it('no change needs nothing', () => {
    expect(uncoveredPackages('none', reached, [], fixed)).toEqual([]);
  });
});
