/**
 * What checking every answer against the spec (`responseValidation: 'error'`, the default)
 * costs per call: two otherwise identical clients, one checking and one not, answered in-process
 * (a `fetch` that returns the seed's JSON without a socket), so the difference is the check.
 * Interleaved rounds, CPU time, median round; warmed up first.
 */
import { createIotTaskClient, type IotTaskClient } from '@iot-task/client';
import { QueryTaskExamples } from '@iot-task/spec';

export interface ResponseCheckCost {
  calls: number;
  rounds: number;
  offMicros: number;
  onMicros: number;
}

const body = JSON.stringify(QueryTaskExamples['200']['application/json'].Succeeded);
const answer: typeof fetch = async () =>
  new Response(body, { headers: { 'content-type': 'application/json', 'x-acs-request-id': 'R' } });

function client(responseValidation: 'off' | 'error'): IotTaskClient {
  return createIotTaskClient({
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'bench-key', accessKeySecret: 'bench-secret' },
    quota: false,
    retry: false,
    responseValidation,
    fetch: answer,
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function measureResponseCheckCost(calls = 5000, rounds = 7): Promise<ResponseCheckCost> {
  const candidates = { off: client('off'), on: client('error') };
  const samples: Record<'off' | 'on', number[]> = { off: [], on: [] };
  for (const c of Object.values(candidates))
    for (let i = 0; i < 2000; i++) await c.queryTask({ TaskId: 'MSnT9***q010101' });
  for (let round = 0; round < rounds; round++) {
    for (const name of ['off', 'on'] as const) {
      const start = process.cpuUsage();
      for (let i = 0; i < calls; i++) await candidates[name].queryTask({ TaskId: 'MSnT9***q010101' });
      const used = process.cpuUsage(start);
      samples[name].push((used.user + used.system) / calls);
    }
  }
  return { calls, rounds, offMicros: median(samples.off), onMicros: median(samples.on) };
}
