import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { contentProblems } from '../src/contentTruth.ts';
import { wireConnection } from '../src/wireExchange.ts';

const BODY = Buffer.from('{"RequestId":"r","Success":true,"Data":{"JobName":"固件升级"}}', 'utf8');
const CHARACTERS = [...BODY.toString('utf8')].length;

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A raw TCP server answering every request (one per empty line) with `answer(n)`'s bytes. */
async function rawServer(answer: (n: number) => Buffer): Promise<string> {
  let count = 0;
  server = createServer((socket: Socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      while (buffer.includes('\r\n\r\n')) {
        buffer = buffer.slice(buffer.indexOf('\r\n\r\n') + 4);
        socket.write(answer(++count));
      }
    });
    socket.on('error', () => undefined);
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}/`;
}

const head = (fields: string) =>
  Buffer.from(`HTTP/1.1 200 OK\r\ncontent-type: application/json;charset=utf-8\r\n${fields}\r\n\r\n`, 'latin1');
const framed = (body: Buffer, length = body.length) => Buffer.concat([head(`content-length: ${length}`), body]);

async function exchange(url: string, times = 1) {
  const connection = wireConnection({ timeoutMs: 300, quietMs: 50 });
  try {
    const answers = [];
    for (let i = 0; i < times; i++) answers.push(await connection.exchange(new Request(url)));
    return answers;
  } finally {
    connection.close();
  }
}

describe('answers read off the connection, framing judged from the bytes', () => {
  it('a well-framed answer, twice on one kept-alive connection: no problems, the body as sent', async () => {
    const url = await rawServer(() => framed(BODY));
    const answers = await exchange(url, 2);
    expect(answers.map((a) => a.problems)).toEqual([[], []]);
    expect(Buffer.from(answers[1]?.body ?? []).equals(BODY)).toBe(true);
  });

  it('Content-Length counting characters: named as such, with both counts', async () => {
    const url = await rawServer(() => framed(BODY, CHARACTERS));
    const [answer] = await exchange(url);
    expect(answer?.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Content-Length: ${CHARACTERS} but the body is ${BODY.length} bytes \\(Content-Length counts its characters, not its bytes\\)`,
        ),
      ),
    ]);
  });

  it('Content-Length larger than the body: the bytes that came, and that nothing more did', async () => {
    const url = await rawServer(() => framed(BODY, BODY.length + 10));
    const [answer] = await exchange(url);
    expect(answer?.problems).toEqual([
      `Content-Length: ${BODY.length + 10} but the body is ${BODY.length} bytes (then nothing for 0.3 s)`,
    ]);
  });

  it('a second answer written after the first, with nothing asked', async () => {
    const url = await rawServer(() => Buffer.concat([framed(BODY), framed(BODY)]));
    const [answer] = await exchange(url);
    expect(answer?.problems[0]).toMatch(
      /^a second answer \("HTTP\/1\.1 200 OK\\r"…, \d+ bytes\) came after the answer on the kept-alive connection/,
    );
  });

  it('chunked: well framed is read whole; a chunk size that does not count its bytes is named', async () => {
    const chunked = (size: number) =>
      Buffer.concat([
        head('transfer-encoding: chunked'),
        Buffer.from(`${size.toString(16)}\r\n`),
        BODY,
        Buffer.from('\r\n0\r\n\r\n'),
      ]);
    const good = await exchange(await rawServer(() => chunked(BODY.length)));
    expect(good[0]?.problems).toEqual([]);
    expect(Buffer.from(good[0]?.body ?? []).equals(BODY)).toBe(true);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const bad = await exchange(await rawServer(() => chunked(CHARACTERS)));
    expect(bad[0]?.problems[0]).toMatch(
      new RegExp(`^chunked: a chunk of ${CHARACTERS} bytes is followed by .*, not CRLF`),
    );
  });

  it('both Content-Length and Transfer-Encoding: one framing only', async () => {
    const url = await rawServer(() =>
      Buffer.concat([
        head(`content-length: ${BODY.length}\r\ntransfer-encoding: chunked`),
        Buffer.from(`${BODY.length.toString(16)}\r\n`),
        BODY,
        Buffer.from('\r\n0\r\n\r\n'),
      ]),
    );
    const [answer] = await exchange(url);
    expect(answer?.problems[0]).toMatch(/^both Transfer-Encoding \(chunked\) and Content-Length/);
  });

  it('no status line: named with the bytes that came instead', async () => {
    const url = await rawServer(() => Buffer.from('HELLO\r\n\r\n'));
    const [answer] = await exchange(url);
    expect(answer?.status).toBe(0);
    expect(answer?.problems).toEqual(['the answer does not start with an HTTP/1.1 status line: "HELLO"']);
  });
});

describe('labels against the bytes (Content-Encoding, charset)', () => {
  const json = [['content-type', 'application/json;charset=utf-8']] as const;
  it('gzip, deflate (raw too) and br bodies are undone to the body', () => {
    for (const [coding, bytes] of [
      ['gzip', gzipSync(BODY)],
      ['deflate', deflateRawSync(BODY)],
      ['br', brotliCompressSync(BODY)],
    ] as const) {
      const result = contentProblems([...json, ['content-encoding', coding]], bytes);
      expect(result.problems).toEqual([]);
      expect(Buffer.from(result.body ?? []).equals(BODY)).toBe(true);
    }
  });

  it('a gzip label on a plain body, and a gzip body without a label, each named', () => {
    expect(contentProblems([...json, ['content-encoding', 'gzip']], BODY).problems).toEqual([
      expect.stringMatching(/^Content-Encoding: gzip but the body is not gzip \(it starts "\{\\"RequestId/),
    ]);
    expect(contentProblems(json, gzipSync(BODY)).problems).toEqual([
      'the body is gzip-compressed (it starts 1f 8b 08 00…) but no Content-Encoding says so',
    ]);
  });

  it('a coding nobody asked for', () => {
    expect(contentProblems([...json, ['content-encoding', 'zstd']], BODY).problems).toEqual([
      'Content-Encoding: zstd is not a coding the kit asked for (Accept-Encoding: gzip, deflate, br)',
    ]);
  });

  it('charset against the bytes: another label on UTF-8, bytes that are not UTF-8, an XML declaration that disagrees', () => {
    expect(contentProblems([['content-type', 'application/json;charset=GBK']], BODY).problems[0]).toMatch(
      /^Content-Type says charset=gbk but the body is UTF-8/,
    );
    expect(contentProblems(json, Buffer.from('{"a":"caf\xe9"}', 'latin1')).problems).toEqual([
      'Content-Type says charset=utf-8, but byte 9 (0xe9) is not UTF-8',
    ]);
    expect(
      contentProblems([['content-type', 'application/json']], Buffer.from('{"a":"caf\xe9"}', 'latin1')).problems,
    ).toEqual(['no charset is given, so the body must be UTF-8, but byte 9 (0xe9) is not UTF-8']);
    expect(
      contentProblems(
        [['content-type', 'text/xml;charset=utf-8']],
        Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a/>'),
      ).problems,
    ).toEqual(['the XML declaration says encoding="utf-16" but Content-Type says charset=utf-8']);
    expect(
      contentProblems([['content-type', 'application/json;charset=iso-8859-1']], Buffer.from('{"a":1}')).problems,
    ).toEqual([]);
  });
});
