/**
 * How `npm run generate` scales with the number of actions: in a scratch copy of the workspace,
 * the spec gets synthetic copies of QueryTask until it has `n` actions, and generation is timed
 * (wall clock, the whole command: bundling, hey-api, every emitter, syncing the output).
 */

import { createScratchWorkspace } from '../scratch/scratchWorkspace.ts';
import { addSyntheticActions } from '../scratch/syntheticActions.ts';

export interface GenerateScaleResult {
  actions: number;
  seconds: number;
}

export async function measureGenerateScale(counts: readonly number[] = [1, 10, 50]): Promise<GenerateScaleResult[]> {
  const results: GenerateScaleResult[] = [];
  for (const actions of counts) {
    const ws = await createScratchWorkspace('iot-task-generate-scale-');
    try {
      await addSyntheticActions(ws.root, actions - 1);
      const started = performance.now();
      await ws.exec(ws.node, ['tools/codegen/generate.ts'], { timeoutMs: 600_000 });
      results.push({ actions, seconds: (performance.now() - started) / 1000 });
    } finally {
      await ws.dispose();
    }
  }
  return results;
}
