/**
 * Synthetic actions for scale checks: copies of QueryTask under new names (QueryTaskCopy01, …),
 * each a valid action document (with its examples) listed in the product's api.yaml, as a user adding actions would.
 */
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const PRODUCT = path.join('specs', 'iot-2018-01-20');

/** Writes `count` copies of QueryTask.yaml into the workspace at `root` and lists them in api.yaml. */
export async function addSyntheticActions(root: string, count: number): Promise<string[]> {
  const source = await readFile(path.join(root, PRODUCT, 'QueryTask.yaml'), 'utf8');
  const names = Array.from({ length: count }, (_, i) => `QueryTaskCopy${String(i + 1).padStart(2, '0')}`);
  const examples = (await readdir(path.join(root, PRODUCT, 'examples'))).filter((f) => f.startsWith('QueryTask.'));
  for (const name of names) {
    await writeFile(path.join(root, PRODUCT, `${name}.yaml`), source.replaceAll('QueryTask', name));
    for (const example of examples) {
      const text = await readFile(path.join(root, PRODUCT, 'examples', example), 'utf8');
      await writeFile(
        path.join(root, PRODUCT, 'examples', example.replace('QueryTask', name)),
        text.replaceAll('QueryTask', name),
      );
    }
  }
  await appendFile(path.join(root, PRODUCT, 'api.yaml'), names.map((name) => `  - ${name}.yaml\n`).join(''));
  return names;
}
