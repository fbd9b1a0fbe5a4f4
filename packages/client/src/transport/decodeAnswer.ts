import { type ActionDescriptor, type CompactSchema, retryableErrorCodes } from '@iot-task/spec';
import { BusinessError, type DriftIssue, GatewayError, ResponseDriftError, ResponseParseError } from '../errors.ts';
import { type ClientHooks, runHook } from '../hooks.ts';
import { normalizeJson } from '../normalizeJson.ts';
import { parseRetryAfter } from '../retryPolicy.ts';
import { preview, successBranch } from '../schemaTypes.ts';
import { validateValue } from '../validateValue.ts';

export type ResponseValidation = 'off' | 'warn' | 'error';

export interface DecodeSettings {
  responseValidation: ResponseValidation;
  hooks: ClientHooks;
}

/** The success body of an action, decoded (`Progress` a number), with its RequestId. */
export interface DecodedAnswer {
  requestId: string;
  body: Record<string, unknown>;
}

const retryableCodes = new Set<string>(retryableErrorCodes);

/**
 * Retryable: the spec's catalogue says so, a 5xx, HTTP 429 whatever its body says, or a
 * throttling code the catalogue lacks.
 */
function isRetryable(code: string, httpStatus: number): boolean {
  return retryableCodes.has(code) || httpStatus >= 500 || httpStatus === 429 || code.startsWith('Throttling');
}

type Parsed = { ok: true; value: unknown; xml: boolean } | { ok: false; reason: string };

/** The body as JSON, or as XML (whose reader loads on first use: XML is the rare, opt-in format). */
function parseBody(
  text: string,
  contentType: string | undefined,
  schema: CompactSchema | undefined,
  xmlRoot: string,
): Parsed | Promise<Parsed> {
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('html')) return { ok: false, reason: 'an HTML page' };
  const xml = type.includes('xml') || (!type.includes('json') && text.trimStart().startsWith('<'));
  return xml ? parseXml(text, schema, xmlRoot) : parseJson(text);
}

/** Drops `__proto__` keys: JSON.parse makes them own properties, which a later spread or merge turns into a prototype. */
function withoutProtoKeys(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

function parseJson(text: string): Parsed {
  try {
    // The reviver costs a walk of the whole value: only a body that names `__proto__` pays it.
    return { ok: true, value: JSON.parse(text, text.includes('__proto__') ? withoutProtoKeys : undefined), xml: false };
  } catch (error) {
    // A syntax error, or a body nested too deep to read: either way not an answer the API gives.
    return { ok: false, reason: error instanceof Error ? error.message : 'unreadable' };
  }
}

async function parseXml(text: string, schema: CompactSchema | undefined, root: string): Promise<Parsed> {
  try {
    const { decodeXmlBody } = await import('../decodeXmlBody.ts');
    return { ok: true, value: decodeXmlBody(schema, text, root), xml: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'unreadable' };
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Where the answer's `Data` names another thing than the request did: a parameter (TaskId,
 * JobId, …) that `Data` carries too, with another value.
 */
function echoIssues(asked: Readonly<Record<string, string>>, data: unknown): DriftIssue[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const issues: DriftIssue[] = [];
  for (const name in asked) {
    const echoed = (data as Record<string, unknown>)[name];
    if ((typeof echoed === 'string' || typeof echoed === 'number') && String(echoed) !== asked[name]) {
      issues.push({
        path: `Data.${name}`,
        expected: `${asked[name]} (the ${name} asked for)`,
        received: preview(echoed),
      });
    }
  }
  return issues;
}

/**
 * The decode and check stage: reads one answer as the spec describes it, and either returns the
 * success body — decoded, and checked against the success schema so that nothing reaches the
 * caller that contradicts its type — or throws the typed error the answer is: a gateway error
 * (HTTP ≥ 400), a business error (HTTP 200, `Success: false`), an unreadable answer, or drift.
 * The call clears every error of secrets before it is thrown (scrubError in callAction.ts).
 */
export async function decodeAnswer(
  descriptor: ActionDescriptor,
  answer: { status: number; header(name: string): string | undefined; text: string },
  settings: DecodeSettings,
  /** Masks the credentials' secrets in the parsed answer, before anything is read from it. */
  maskSecrets?: (value: unknown) => unknown,
  /** The action's own parameters as sent: a field of `Data` that one names must say the same. */
  asked?: Readonly<Record<string, string>>,
): Promise<DecodedAnswer> {
  const { status } = answer;
  const action = descriptor.action;
  const isError = status >= 400;
  const schema = isError
    ? (descriptor.responses['400'] ?? descriptor.responses['500'])?.schema
    : descriptor.responses['200']?.schema;
  // The service's XML roots: `<Error>` for a gateway error, `<{Action}Response>` otherwise.
  const xmlRoot = isError ? 'Error' : (descriptor.xmlRoot ?? `${action}Response`);
  const pending = parseBody(answer.text, answer.header('content-type'), schema ?? undefined, xmlRoot);
  let parsed = pending instanceof Promise ? await pending : pending;
  if (parsed.ok && maskSecrets) parsed = { ...parsed, value: maskSecrets(parsed.value) };
  const body =
    parsed.ok && parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value)
      ? (parsed.value as Record<string, unknown>)
      : undefined;
  const requestId = text(body?.RequestId) ?? answer.header('x-acs-request-id');
  // Read only when an error is thrown: a success has no use for it.
  const retryAfter = () => parseRetryAfter(answer.header('retry-after'));
  const looksLikeError =
    body !== undefined &&
    (typeof body.Code === 'string' || typeof body.Message === 'string' || typeof body.RequestId === 'string');
  if (!body || (isError && !looksLikeError)) {
    throw new ResponseParseError({
      code: 'ResponseParseError',
      message: `${action}: HTTP ${status} with a body that is not a ${isError ? 'gateway error' : 'response'} document (${parsed.ok ? 'unexpected shape' : parsed.reason})`,
      requestId,
      httpStatus: status,
      retryable: status >= 500 || status === 429,
      retryAfterMs: retryAfter(),
      // The call masks secrets in it (scrubError), then cuts it to 200 characters (cutSnippet).
      bodySnippet: answer.text.slice(0, 1000),
    });
  }
  if (isError || status < 200 || status >= 300) {
    const code = text(body.Code) ?? `HTTP${status}`;
    throw new GatewayError({
      code,
      message: text(body.Message) ?? `HTTP ${status}`,
      requestId,
      httpStatus: status,
      retryable: isRetryable(code, status),
      retryAfterMs: retryAfter(),
      hostId: text(body.HostId),
      recommend: text(body.Recommend),
    });
  }
  if (body.Success === false) {
    const code = text(body.Code) ?? 'UnknownBusinessError';
    throw new BusinessError({
      code,
      message: text(body.ErrorMessage) ?? code,
      requestId,
      httpStatus: status,
      retryable: isRetryable(code, 0),
      retryAfterMs: retryAfter(),
    });
  }
  if (body.Success !== true) {
    throw new ResponseDriftError(
      action,
      [{ path: 'Success', expected: 'true or false', received: preview(body.Success) }],
      requestId,
    );
  }
  const success = successBranch(schema ?? undefined);
  const value = (parsed.ok && parsed.xml ? body : normalizeJson(success, body)) as Record<string, unknown>;
  if (settings.responseValidation !== 'off' && success) {
    const issues = validateValue(success, value, '', { openEnums: true });
    if (issues.length > 0) {
      const drift = new ResponseDriftError(action, issues, requestId);
      if (settings.responseValidation === 'error') throw drift;
      if (settings.hooks.onDrift) runHook(settings.hooks, 'onDrift', { action, requestId, issues: drift.issues });
      else console.warn(drift.message);
    }
  }
  // An answer about another thing than the one asked for is no answer to this call, whatever
  // the validation setting: the caller would take it for the thing asked for.
  const about = asked && echoIssues(asked, value.Data);
  if (about && about.length > 0) throw new ResponseDriftError(action, about, requestId);
  if (requestId === undefined) {
    // Reachable with validation off or 'warn': a result must carry its RequestId all the same.
    throw new ResponseDriftError(action, [{ path: 'RequestId', expected: 'present (required)', received: 'nothing' }]);
  }
  return { requestId, body: value };
}
