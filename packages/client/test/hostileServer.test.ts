import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIotTaskClient, type IotTaskClientOptions, type ResponseDriftError } from '../src/index.ts';
import { failure, SEND_STAGES } from './support/failure.ts';
import { ACCESS_KEY, TASK_ID, taskData } from './support/fakeGateway.ts';

// Real servers on loopback, wrong on purpose. Nothing here depends on timing: each failure is
// decided by what the server sends, not by how fast.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Both send stages face every hostile server: node:http (the default on Node) and fetch (browsers,
 * workers, an injected fetch).
 */
const SENDS = SEND_STAGES;
let sendOptions: IotTaskClientOptions = {};

function client(endpoint: string, options: IotTaskClientOptions = {}) {
  return createIotTaskClient({
    ...sendOptions,
    endpoint,
    credentials: { ...ACCESS_KEY, securityToken: 'sts-token-SECRET-42' },
    quota: false,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    ...options,
  });
}

describe.each(SENDS)('a hostile server ($send)', ({ options }) => {
  beforeEach(() => {
    sendOptions = options;
  });
  it('a redirect to another origin is not followed: that origin sees nothing, the token goes nowhere', async () => {
    const stolen: IncomingMessage[] = [];
    const elsewhere = await serve((req, res) => {
      stolen.push(req);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"RequestId":"x","Success":true,"Data":{}}');
    });
    let asked = 0;
    const endpoint = await serve((_req, res) => {
      asked++;
      res.writeHead(302, { location: `${elsewhere}/steal?x=1` }).end();
    });
    const error = await failure(client(endpoint).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ kind: 'parse', code: 'UnexpectedRedirect', httpStatus: 302, retryable: false });
    expect(error.message).toBe(
      `HTTP 302 to ${elsewhere}/steal: the API never redirects, so it was not followed (is the endpoint right?)`,
    );
    expect(stolen).toHaveLength(0);
    expect(asked).toBe(1);
  });

  it('a gzip bomb is cut off at maxResponseBytes after decompression, and not retried', async () => {
    const bomb = gzipSync(Buffer.alloc(64 << 20, 0x20)); // 64 MB of spaces in ~64 KB
    let asked = 0;
    const endpoint = await serve((_req, res) => {
      asked++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(bomb);
    });
    const before = process.memoryUsage().rss;
    const error = await failure(client(endpoint).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ kind: 'parse', code: 'ResponseTooLarge', retryable: false });
    expect(error.message).toContain('over 1048576 bytes (maxResponseBytes)');
    expect(asked).toBe(1);
    expect(process.memoryUsage().rss - before).toBeLessThan(48 << 20);
  });

  it('an endless body: reading stops at the cap and the connection is closed', async () => {
    let closed = false;
    const endpoint = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 << 10, 0x20);
      const pump = () => {
        while (res.write(chunk)) if (closed) return;
      };
      res.on('drain', pump);
      res.on('close', () => {
        closed = true;
      });
      pump();
    });
    const error = await failure(
      client(endpoint, { maxResponseBytes: 256 << 10, retry: false }).queryTask({ TaskId: TASK_ID }),
    );
    expect(error).toMatchObject({ code: 'ResponseTooLarge' });
    await expect.poll(() => closed).toBe(true);
  });

  it("the gateway's SignatureDoesNotMatch quotes its string to sign: the STS token is masked everywhere", async () => {
    const token = encodeURIComponent(encodeURIComponent('sts-token-SECRET-42'));
    const endpoint = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          RequestId: 'R-1',
          Code: 'SignatureDoesNotMatch',
          Message: `Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Dtest-key-id%26SecurityToken%3D${token}%26SignatureMethod%3DHMAC-SHA1`,
        }),
      );
    });
    const error = await failure(client(endpoint, { signatureVersion: 'v1' }).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', retryable: false });
    for (const form of [error.message, error.stack ?? '', JSON.stringify(error), inspect(error, { depth: 5 })]) {
      expect(form).not.toContain('SECRET');
      expect(form).not.toContain('test-secret-never-shown');
    }
    expect(error.message).toContain('SecurityToken%3D***%26SignatureMethod');
  });

  it('an HTML page under HTTP 200: a ResponseParseError, the page quoted without secrets', async () => {
    const endpoint = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<html>captive portal ${req.url}</html>`);
    });
    const error = await failure(
      client(endpoint, { signatureVersion: 'v1', retry: false }).queryTask({ TaskId: TASK_ID }),
    );
    expect(error).toMatchObject({ kind: 'parse', httpStatus: 200 });
    expect(JSON.stringify(error) + (error as { bodySnippet?: string }).bodySnippet).not.toContain('SECRET');
  });
});

describe('a careless caller: local mistakes are typed, named and never sent or retried', () => {
  it('an AccessKey ID or token with characters a header cannot carry: CredentialsError, nothing sent', async () => {
    let asked = 0;
    const endpoint = await serve((_req, res) => {
      asked++;
      res.end();
    });
    const id = await failure(
      createIotTaskClient({
        endpoint,
        credentials: { accessKeyId: 'key€', accessKeySecret: 's' },
        quota: false,
      }).queryTask({
        TaskId: TASK_ID,
      }),
    );
    expect(id).toMatchObject({ kind: 'credentials', code: 'InvalidCredentials', retryable: false });
    expect(id.message).toBe(
      'credentials.accessKeyId: expected a non-empty string of visible ASCII characters (it travels in a header)',
    );
    const token = await failure(
      createIotTaskClient({
        endpoint,
        credentials: { accessKeyId: 'k', accessKeySecret: 's', securityToken: 'tökén' },
        quota: false,
      }).queryTask({ TaskId: TASK_ID }),
    );
    expect(token.message).toContain('credentials.securityToken: expected a non-empty string of visible ASCII');
    expect(token.message).not.toContain('tökén');
    expect(asked).toBe(0);
  });

  it('an endpoint with user:password@: a ValidationError at creation that does not echo the password', () => {
    expect(() => createIotTaskClient({ endpoint: 'https://user:hunter2@iot.example.com' })).toThrow(
      'endpoint: expected a URL without user:password@ (credentials go in `credentials`), received a URL with user info',
    );
  });
});

describe.each(SENDS)('answers that only look right ($send)', ({ options }) => {
  beforeEach(() => {
    sendOptions = options;
  });
  const answered = (body: string, contentType: string) =>
    serve((_req, res) => {
      res.writeHead(200, { 'content-type': contentType }).end(body);
    });

  it('a Progress written 0x14, 1e1 or " 20 " is not the number 20: drift, not a lie', async () => {
    for (const progress of ['0x14', '1e1', ' 20 ', '+20']) {
      const endpoint = await answered(
        `<QueryTaskResponse><RequestId>R</RequestId><Success>true</Success><Data><TaskId>x</TaskId><Status>SENT</Status><Progress>${progress}</Progress></Data></QueryTaskResponse>`,
        'text/xml',
      );
      const error = await failure(client(endpoint, { format: 'XML', retry: false }).queryTask({ TaskId: TASK_ID }));
      expect(error).toMatchObject({ kind: 'drift' });
      expect(error.message).toContain('Data.Progress');
    }
  });

  it('a field given twice in XML is not read as the last one: ResponseParseError', async () => {
    const endpoint = await answered(
      '<QueryTaskResponse><RequestId>R</RequestId><Success>true</Success><Data><TaskId>x</TaskId><Status>DONE</Status><Status>QUEUED</Status></Data></QueryTaskResponse>',
      'text/xml',
    );
    const error = await failure(client(endpoint, { format: 'XML', retry: false }).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ kind: 'parse' });
    expect(error.message).toContain('element <Status> appears more than once inside <Data>');
  });
});

describe.each(SENDS)('a server that quotes the secrets back, in any field and any encoding ($send)', ({ options }) => {
  beforeEach(() => {
    sendOptions = options;
  });
  const TOKEN = 'CAIStsTOKEN/abc+def=ghiJKLmnoPQRstu==';
  const SECRET = 'SeCrEtAKsecret0123456789+/=';
  const credentials = { accessKeyId: 'LTAIhostile', accessKeySecret: SECRET, securityToken: TOKEN };
  const lowerHex = (text: string) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) =>
    res
      .writeHead(status, { 'content-type': 'application/json', 'x-acs-request-id': 'HDR-1' })
      .end(JSON.stringify(body));
  const task = taskData();
  const cases: [string, (req: IncomingMessage, res: ServerResponse) => void][] = [
    ['in Code', json(400, { RequestId: 'R', Code: `Bad.${TOKEN}`, Message: 'x' })],
    ['as the RequestId', json(400, { RequestId: TOKEN, Code: 'X', Message: 'x' })],
    [
      'in HostId and Recommend',
      json(400, { RequestId: 'R', Code: 'X', Message: 'x', HostId: TOKEN, Recommend: SECRET }),
    ],
    [
      'in a business error code',
      json(200, { RequestId: 'R', Success: false, Code: `iot.${SECRET}`, ErrorMessage: 'e' }),
    ],
    [
      'in a string to sign with lower-case hex',
      json(400, {
        RequestId: 'R',
        Code: 'SignatureDoesNotMatch',
        Message: `GET&%2f&SecurityToken%3d${lowerHex(TOKEN)}`,
      }),
    ],
    [
      'JSON-escaped (\\/) in an unreadable body',
      (_req, res) =>
        res.writeHead(500, { 'content-type': 'application/json' }).end(`{"e":"${TOKEN.replaceAll('/', '\\/')}"`),
    ],
    [
      'across the 200-character cut of a snippet',
      (_req, res) =>
        res.writeHead(502, { 'content-type': 'text/html' }).end(`<html>${'x'.repeat(185)}${TOKEN} ${SECRET}</html>`),
    ],
    [
      'at the start of a body over the cap',
      (_req, res) =>
        res
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify({ Message: `${TOKEN} ${SECRET}`, pad: 'x'.repeat(2 << 20) })),
    ],
    [
      'in a redirect path',
      (_req, res) => res.writeHead(302, { location: `http://elsewhere.example/${TOKEN}/${lowerHex(SECRET)}` }).end(),
    ],
    ['as a drifted field value', json(200, { RequestId: 'R', Success: true, Data: { ...task, Progress: TOKEN } })],
    ['as a Success value', json(200, { RequestId: 'R', Success: SECRET })],
  ];

  it.each(cases)('%s: no form of the error carries either secret, or a piece of one', async (_name, handler) => {
    const endpoint = await serve(handler);
    const error = await failure(client(endpoint, { credentials, retry: false }).queryTask({ TaskId: TASK_ID }));
    const forms = [
      error.message,
      error.stack ?? '',
      JSON.stringify(error),
      inspect(error, { depth: 6 }),
      JSON.stringify(Object.entries(error)),
    ];
    for (const form of forms) {
      for (const secret of [TOKEN, SECRET]) {
        for (const piece of [secret.slice(0, 12), secret.slice(-12), encodeURIComponent(secret).slice(0, 14)]) {
          expect(form).not.toContain(piece);
        }
      }
    }
  });

  const escapedJson = (text: string) =>
    [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  const hexEntities = (text: string) => [...text].map((c) => `&#x${c.charCodeAt(0).toString(16)};`).join('');
  const leaks = (text: string) =>
    [TOKEN, SECRET].some((secret) => text.includes(secret.slice(0, 12)) || text.includes(secret.slice(-12)));

  it('a secret the server escapes (\\u in JSON, character references or CDATA in XML) is masked in the result', async () => {
    const json = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        `{"RequestId":"R","Success":true,"Data":${JSON.stringify(taskData())
          .replace(/"JobName":"[^"]*"/, `"JobName":"${escapedJson(TOKEN)}"`)
          .replace(/"Message":"[^"]*"/, `"Message":"${escapedJson(SECRET)}"`)}}`,
      );
    });
    const fromJson = await client(json, { credentials }).queryTask({ TaskId: TASK_ID });
    expect(fromJson.Data.JobName).toBe('***');
    expect(leaks(JSON.stringify(fromJson))).toBe(false);
    const xml = await serve((_req, res) => {
      const fields = Object.entries(taskData()).map(([name, value]) =>
        name === 'JobName'
          ? `<JobName>${hexEntities(TOKEN)}</JobName>`
          : name === 'DeviceName'
            ? `<DeviceName>${SECRET.slice(0, 9)}<![CDATA[${SECRET.slice(9)}]]></DeviceName>`
            : `<${name}>${value}</${name}>`,
      );
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<QueryTaskResponse><RequestId>R</RequestId><Success>true</Success><Data>${fields.join('')}</Data></QueryTaskResponse>`,
        );
    });
    const fromXml = await client(xml, { credentials, format: 'XML' }).queryTask({ TaskId: TASK_ID });
    expect(leaks(JSON.stringify(fromXml))).toBe(false);
  });

  it('secrets in transformed form are masked too: a long piece of the token, its base64 (inside longer base64 as well), a form body with + for spaces', async () => {
    const longToken = `CAIS${'sTsToKeN0123456789abcdefXYZ+/'.repeat(12)}==`;
    const longCredentials = { ...credentials, securityToken: longToken };
    const base64 = (text: string) => Buffer.from(text).toString('base64');
    const forms = {
      JobName: longToken.slice(40, 120),
      Message: base64(longToken),
      StatusDetail: JSON.stringify({ blob: base64(`xx${longToken}yy`) }),
      DeviceName: new URLSearchParams({ t: longToken }).toString(),
      IotId: longToken.slice(0, 100).replaceAll('+', ' '),
    };
    const endpoint = await serve((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ RequestId: 'R', Success: true, Data: { ...taskData(), ...forms } }));
    });
    const { Data } = await client(endpoint, { credentials: longCredentials }).queryTask({ TaskId: TASK_ID });
    const shown = JSON.stringify(Data);
    for (const [field, form] of Object.entries(forms)) {
      expect(shown, field).not.toContain(form.slice(20, 40));
    }
    expect(Data.JobName).toBe('***');
  });

  it('a signed URL the service quotes back in an answer has its Signature masked in the result (its nonce is no secret)', async () => {
    const endpoint = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          RequestId: 'R',
          Success: true,
          Data: taskData({
            Message: 'retry https://iot/?Action=QueryTask&Signature=Zm9vYmFy%2Bx%3D&SignatureNonce=n1',
          }),
        }),
      );
    });
    const { Data } = await client(endpoint, { credentials }).queryTask({ TaskId: TASK_ID });
    expect(Data.Message).toBe('retry https://iot/?Action=QueryTask&Signature=***&SignatureNonce=n1');
  });

  it("a credentials provider's own error quotes what it read: the CredentialsError masks it, its cause keeps it", async () => {
    const leaked = 'STS.NWp7e2b9TokenAbc123XyZ987654321qwerty';
    const provider = async () => {
      throw new Error(`refresh failed: SecurityToken=${leaked}&x=1; AccessKeySecret=${SECRET} body ${TOKEN}`);
    };
    const error = await failure(
      client('http://127.0.0.1:9', { credentials: provider, retry: false }).queryTask({ TaskId: TASK_ID }),
    );
    expect(error).toMatchObject({ code: 'CredentialsProviderFailed' });
    for (const form of [error.message, error.stack ?? '', inspect(error, { depth: 1 })]) {
      for (const secret of [leaked, SECRET, TOKEN]) expect(form).not.toContain(secret.slice(4, 20));
    }
    expect(error.message).toContain('refresh failed');
  });

  it('escaped secrets reach no error either: a drifted field, a redirect with %-escapes, a RequestId header, an HTML page', async () => {
    const mixedPercent = `%${TOKEN.charCodeAt(0).toString(16).toUpperCase()}${TOKEN.slice(1)}`;
    const handlers: ((req: IncomingMessage, res: ServerResponse) => void)[] = [
      json(200, { RequestId: 'R', Success: true, Data: { ...task, Progress: 'x' } }),
      (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            `{"RequestId":"R","Success":true,"Data":${JSON.stringify({ ...task, Progress: 'PLACEHOLDER' }).replace('PLACEHOLDER', escapedJson(TOKEN))}}`,
          ),
      (_req, res) => res.writeHead(302, { location: `/x/${mixedPercent}` }).end(),
      (_req, res) =>
        res
          .writeHead(400, { 'content-type': 'application/json', 'x-acs-request-id': mixedPercent })
          .end('{"Code":"X","Message":"m"}'),
      (_req, res) => res.writeHead(500, { 'content-type': 'text/html' }).end(`<html>${hexEntities(SECRET)}</html>`),
      (_req, res) =>
        res
          .writeHead(500, { 'content-type': 'text/html' })
          .end(`${TOKEN.repeat(16)}${'x'.repeat(1000 - 16 * TOKEN.length - 10)}${TOKEN}${'y'.repeat(2 << 20)}`),
    ];
    for (const handler of handlers) {
      const endpoint = await serve(handler);
      const error = await failure(client(endpoint, { credentials, retry: false }).queryTask({ TaskId: TASK_ID }));
      for (const form of [error.message, JSON.stringify(error), inspect(error, { depth: 6 })])
        expect(leaks(form)).toBe(false);
    }
  });

  it('a status that is a secret: waitForTask stops with UnknownStatusError, the status masked, the RequestId kept', async () => {
    const endpoint = await serve(json(200, { RequestId: 'R-status', Success: true, Data: { ...task, Status: TOKEN } }));
    const error = await failure(client(endpoint, { credentials }).waitForTask(TASK_ID, { intervalMs: 1 }));
    expect(error).toMatchObject({ kind: 'unknown-status', status: '***', requestId: 'R-status' });
    expect(inspect(error, { depth: 6 })).not.toContain(TOKEN.slice(0, 12));
  });
});

describe.each(SENDS)("what a server sends is the server's answer, not a network failure ($send)", ({ options }) => {
  beforeEach(() => {
    sendOptions = options;
  });

  it('a redirect, a body over the cap and a body its Content-Encoding does not describe carry the RequestId and are not retried', async () => {
    const handlers: ((res: ServerResponse) => void)[] = [
      (res) => res.writeHead(302, { location: '/elsewhere', 'x-acs-request-id': 'RID-302' }).end(),
      (res) => res.writeHead(500, { 'x-acs-request-id': 'RID-big' }).end('x'.repeat(4096)),
      (res) =>
        res
          .writeHead(200, {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
            'x-acs-request-id': 'RID-gz',
          })
          .end('this is not gzip'),
    ];
    const expected = [
      { code: 'UnexpectedRedirect', requestId: 'RID-302' },
      { code: 'ResponseTooLarge', requestId: 'RID-big' },
      { code: 'BadContentEncoding', requestId: 'RID-gz' },
    ];
    for (const [index, handler] of handlers.entries()) {
      let asked = 0;
      const endpoint = await serve((_req, res) => {
        asked++;
        handler(res);
      });
      const error = await failure(client(endpoint, { maxResponseBytes: 1024 }).queryTask({ TaskId: TASK_ID }));
      expect(error).toMatchObject({ kind: 'parse', retryable: false, ...expected[index] });
      expect(asked).toBe(1);
    }
  });

  it('a content coding the client does not know is read as it came, on both send stages (as fetch does)', async () => {
    const endpoint = await serve((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'compress' })
        .end(JSON.stringify({ RequestId: 'R', Success: true, Data: taskData({ Status: 'QUEUED' }) }));
    });
    await expect(client(endpoint).queryTask({ TaskId: TASK_ID })).resolves.toMatchObject({
      Data: { Status: 'QUEUED' },
    });
  });

  it('an answer naming another TaskId than the one asked for is no answer to the call (ResponseDriftError), validation on or off', async () => {
    const endpoint = await serve((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ RequestId: 'R', Success: true, Data: taskData({ TaskId: 'someone-elses-task' }) }));
    });
    for (const responseValidation of ['error', 'off'] as const) {
      const error = await failure(client(endpoint, { responseValidation }).queryTask({ TaskId: TASK_ID }));
      expect(error).toMatchObject({ code: 'ResponseDrift', retryable: false, requestId: 'R' });
      expect((error as ResponseDriftError).issues).toEqual([
        { path: 'Data.TaskId', expected: `${TASK_ID} (the TaskId asked for)`, received: '"someone-elses-task"' },
      ]);
    }
  });

  it('a body under two content codings (deflate, then br) is decoded on both send stages, as fetch does', async () => {
    const json = JSON.stringify({ RequestId: 'R', Success: true, Data: taskData({ Status: 'SENT' }) });
    for (const deflate of [deflateSync, deflateRawSync]) {
      const endpoint = await serve((_req, res) => {
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'deflate, br' })
          .end(brotliCompressSync(deflate(json)));
      });
      await expect(client(endpoint).queryTask({ TaskId: TASK_ID })).resolves.toMatchObject({
        Data: { Status: 'SENT' },
      });
    }
  });

  it("an XML answer under another root (an HTML page, an <Error> on HTTP 200) is not the action's answer", async () => {
    for (const root of ['html', 'Error', 'QueryJobResponse']) {
      const endpoint = await serve((_req, res) => {
        res
          .writeHead(200, { 'content-type': 'text/xml' })
          .end(
            `<${root}><RequestId>R</RequestId><Success>true</Success><Data><TaskId>x</TaskId><Status>QUEUED</Status></Data></${root}>`,
          );
      });
      const error = await failure(client(endpoint, { format: 'XML', retry: false }).queryTask({ TaskId: TASK_ID }));
      expect(error).toMatchObject({ kind: 'parse' });
      expect(error.message).toContain(`the root element is <${root}>, expected <QueryTaskResponse>`);
    }
  });

  it('an XML character reference to NUL is not well-formed', async () => {
    const endpoint = await serve((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end('<QueryTaskResponse><RequestId>R&#0;</RequestId><Success>true</Success></QueryTaskResponse>');
    });
    const error = await failure(client(endpoint, { format: 'XML', retry: false }).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ kind: 'parse' });
    expect(error.message).toContain('invalid character reference &#0;');
  });

  it('a __proto__ key, in JSON or in XML, never becomes a prototype of what the caller gets', async () => {
    const data = JSON.stringify(taskData()).replace(/}$/, ',"__proto__":{"isAdmin":true}}');
    const jsonEndpoint = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"RequestId":"R","Success":true,"Data":${data}}`);
    });
    const fromJson = await client(jsonEndpoint).queryTask({ TaskId: TASK_ID });
    expect(Object.hasOwn(fromJson.Data, '__proto__')).toBe(false);
    expect((Object.assign({}, fromJson.Data) as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    const xmlEndpoint = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' }).end(
        `<QueryTaskResponse><RequestId>R</RequestId><Success>true</Success><Data>${Object.entries(taskData())
          .map(([name, value]) => `<${name}>${value}</${name}>`)
          .join(
            '',
          )}<Extra><__proto__><isAdmin>true</isAdmin></__proto__><toString>x</toString></Extra></Data></QueryTaskResponse>`,
      );
    });
    const fromXml = await client(xmlEndpoint, { format: 'XML' }).queryTask({ TaskId: TASK_ID });
    const extra = (fromXml.Data as unknown as { Extra: Record<string, unknown> }).Extra;
    expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
    expect(extra).toEqual({ toString: 'x' });
  });
});

describe('a kept-alive connection the server closes (node:http)', () => {
  beforeEach(() => {
    sendOptions = {};
  });
  it('a request written on a socket the server had just closed goes once more, on a new connection, even with retries off', async () => {
    const connections = new Set<unknown>();
    let requests = 0;
    const endpoint = await serve((req, res) => {
      requests++;
      const socket = req.socket;
      // The second request on a connection finds it closed under it: reset, no answer.
      if (connections.has(socket)) {
        socket.destroy();
        return;
      }
      connections.add(socket);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ RequestId: `R-${requests}`, Success: true, Data: taskData() }));
    });
    const once = client(endpoint, { retry: false });
    await once.queryTask({ TaskId: TASK_ID });
    await expect(once.queryTask({ TaskId: TASK_ID })).resolves.toMatchObject({ Success: true });
    expect(requests).toBe(3);
    expect(connections.size).toBe(2);
  });
});
