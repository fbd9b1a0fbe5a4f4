import { examples } from '@iot-task/spec';
import type { CaseKind, Outcome } from './caseKind.ts';
import { checkResponse } from './checkResponse.ts';
import { type ContractCase, contractCases } from './generated/cases.gen.ts';
import { responseSchemaPointer, schemaProblems } from './specSchemas.ts';

/** One of the spec's own response examples: it must conform to the schema it illustrates. */
export type ExampleCase = Extract<ContractCase, { kind: 'example' }>;

function judgeExampleCase(c: ExampleCase): Outcome {
  const byStatus = (examples as Record<string, Record<string, Record<string, Record<string, unknown>>>>)[c.action];
  const value = byStatus?.[c.status]?.[c.mediaType]?.[c.example];
  if (value === undefined) return { problems: [`example ${c.example} is missing from the generated examples`] };
  if (c.mediaType === 'text/xml') {
    return {
      problems: checkResponse(c.action, 'GET', {
        status: Number(c.status),
        contentType: 'text/xml',
        body: String(value),
      }),
    };
  }
  const pointer = responseSchemaPointer(c.action, 'GET', c.status, c.mediaType);
  if (!pointer) return { problems: [`no schema for ${c.status} ${c.mediaType}`] };
  return { problems: schemaProblems(c.action, pointer, value) };
}

/** First in a run: the spec's examples, checked without the target. */
export const exampleKind: CaseKind<ExampleCase> = {
  kinds: ['example'],
  cases: () => contractCases.filter((c): c is ExampleCase => c.kind === 'example'),
  judge: judgeExampleCase,
};
