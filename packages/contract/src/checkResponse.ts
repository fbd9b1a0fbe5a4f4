import { parseAnswer } from './checkAnswer.ts';
import type { RawResponse } from './rawResponse.ts';
import { documentedStatuses, responseSchemaPointer, schemaProblems } from './specSchemas.ts';

/**
 * Whether an answer is one the spec describes for the action: a documented status, a JSON or
 * XML content type (as asked), and a body that validates against the schema of that status —
 * XML read the way clients read it, with the documented root element. Returns the problems.
 */
export function checkResponse(
  action: string,
  method: string,
  response: RawResponse,
  expectedFormat?: 'JSON' | 'XML',
): string[] {
  const statuses = documentedStatuses(action, method);
  const status = String(response.status);
  if (!statuses.includes(status))
    return [`status ${status}: not documented for ${action} (documented: ${statuses.join(', ')})`];
  const type = response.contentType ?? '';
  const format = /json/i.test(type) ? 'JSON' : /xml/i.test(type) ? 'XML' : undefined;
  if (!format) return [`content-type ${type || '(none)'}: expected JSON or XML`];
  const problems: string[] = [];
  if (expectedFormat && format !== expectedFormat)
    problems.push(`content-type ${type}: ${expectedFormat} was asked for`);
  const mediaType = format === 'JSON' ? 'application/json' : 'text/xml';
  const pointer = responseSchemaPointer(action, method, status, mediaType);
  if (!pointer) return [...problems, `status ${status}: no ${mediaType} schema documented`];
  const parsed = parseAnswer(action, response, format);
  if ('unreadable' in parsed) return [...problems, ...parsed.unreadable];
  problems.push(...parsed.problems);
  const { body } = parsed;
  return [...problems, ...schemaProblems(action, pointer, body).map((p) => `body ${p}`)];
}
