import { type ChangeLevel, levelAtLeast, maxLevel } from './classifySpecChange.ts';

export type Bump = 'patch' | 'minor' | 'major';

export interface PendingChangeset {
  file: string;
  releases: Readonly<Record<string, Bump>>;
}

/** Reads a changeset's front matter: `"@iot-task/spec": minor` lines between `---` fences. */
export function parseChangeset(file: string, text: string): PendingChangeset {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  const releases: Record<string, Bump> = {};
  for (const line of (match?.[1] ?? '').split(/\r?\n/)) {
    const entry = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
    if (entry) releases[entry[1] as string] = entry[2] as Bump;
  }
  return { file, releases };
}

/**
 * Which of the `reached` packages would be released with less than `required` by the pending
 * changesets, counting that packages of one `fixed` group always share the group's highest bump.
 */
export function uncoveredPackages(
  required: ChangeLevel,
  reached: readonly string[],
  changesets: readonly PendingChangeset[],
  fixed: readonly (readonly string[])[],
): { name: string; bump: ChangeLevel }[] {
  if (required === 'none') return [];
  const bumpOf = (name: string): ChangeLevel => {
    const group = fixed.find((g) => g.includes(name)) ?? [name];
    let level: ChangeLevel = 'none';
    for (const changeset of changesets)
      for (const member of group) level = maxLevel(level, changeset.releases[member] ?? 'none');
    return level;
  };
  return reached.map((name) => ({ name, bump: bumpOf(name) })).filter(({ bump }) => !levelAtLeast(bump, required));
}
