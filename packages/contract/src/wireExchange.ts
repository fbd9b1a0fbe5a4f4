import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { showBytes } from './showBytes.ts';

/** One answer as its bytes came off the connection, with what its framing got wrong. */
export interface WireAnswer {
  status: number;
  /** Header fields in the order sent, names lowercased. */
  headers: readonly (readonly [string, string])[];
  /** How the body was delimited. */
  framing: 'content-length' | 'chunked' | 'close' | 'none';
  /** The body's bytes after the transfer framing is undone, before any Content-Encoding is. */
  body: Uint8Array;
  /** What the framing got wrong, one line each (empty when the bytes are a well-framed answer). */
  problems: string[];
  /** The connection closed after this answer (the next request went on a new one). */
  closed: boolean;
}

export interface WireExchangeOptions {
  /** How long any one answer may take to complete. */
  timeoutMs: number;
  /** How long the connection must stay quiet after an answer before the next request goes. */
  quietMs: number;
  /** The address the connection comes from (a second loopback address, say). @default the system's choice */
  localAddress?: string;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** The most of an answer head the kit reads. */
const MAX_HEAD_BYTES = 64 * 1024;

/** The bytes of a request as HTTP/1.1 sends them on a kept-alive connection. */
async function requestBytes(request: Request): Promise<Buffer> {
  const url = new URL(request.url);
  const body = Buffer.from(await request.arrayBuffer());
  const lines = [`${request.method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`];
  request.headers.forEach((value, name) => {
    if (name !== 'host' && name !== 'content-length' && name !== 'connection') lines.push(`${name}: ${value}`);
  });
  if (body.length > 0 || request.method === 'POST') lines.push(`content-length: ${body.length}`);
  lines.push('connection: keep-alive', '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]);
}

/** A connection's incoming bytes, read as they come: waits for more, for a close, or for a deadline. */
class Incoming {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  get bytes(): Buffer {
    return this.buffer;
  }
  get isEnded(): boolean {
    return this.ended;
  }
  take(n: number): Buffer {
    const taken = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return taken;
  }
  /** Resolves when more bytes came (true) or the connection ended or `ms` passed (false). */
  more(ms: number): Promise<boolean> {
    if (this.ended) return Promise.resolve(false);
    const before = this.buffer.length;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(this.buffer.length > before);
      };
    });
  }
  /** Waits until at least `n` bytes are buffered; false when the connection ended or the deadline came first. */
  async atLeast(n: number, deadline: number): Promise<boolean> {
    while (this.buffer.length < n) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) return false;
      await this.more(left);
    }
    return true;
  }
  /** Waits until `marker` is buffered; its index, or -1. */
  async until(marker: Buffer, deadline: number, limit: number): Promise<number> {
    for (;;) {
      const at = this.buffer.indexOf(marker);
      if (at >= 0) return at;
      const left = deadline - Date.now();
      if (left <= 0 || this.ended || this.buffer.length > limit) return -1;
      await this.more(left);
    }
  }
}

function open(url: URL, localAddress: string | undefined): Promise<Socket> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const from = localAddress ? { localAddress } : {};
  return new Promise((resolve, reject) => {
    const socket: Socket =
      url.protocol === 'https:'
        ? connectTls({ host, port, servername: host, ALPNProtocols: ['http/1.1'], ...from }, () => resolve(socket))
        : connectTcp({ host, port, ...from }, () => resolve(socket));
    socket.once('error', reject);
  });
}

interface Head {
  status: number;
  headers: [string, string][];
}

function parseHead(text: string): Head | string {
  const [statusLine = '', ...fields] = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
  if (!match)
    return `the answer does not start with an HTTP/1.1 status line: ${showBytes(Buffer.from(statusLine, 'latin1'))}`;
  const headers: [string, string][] = [];
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon <= 0) return `header line ${showBytes(Buffer.from(field, 'latin1'))} is not "name: value"`;
    headers.push([field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim()]);
  }
  return { status: Number(match[1]), headers };
}

const values = (headers: readonly (readonly [string, string])[], name: string) =>
  headers.filter(([n]) => n === name).map(([, v]) => v);

/** Reads one chunked body; the problem when its framing is wrong. */
async function readChunked(incoming: Incoming, deadline: number): Promise<{ body: Buffer; problem?: string }> {
  const parts: Buffer[] = [];
  for (;;) {
    const eol = await incoming.until(CRLF, deadline, 1024);
    if (eol < 0) {
      return {
        body: Buffer.concat(parts),
        problem: incoming.isEnded
          ? 'chunked: the connection closed before the last (0-size) chunk'
          : 'chunked: no last (0-size) chunk came: the body never ended',
      };
    }
    const line = incoming
      .take(eol + 2)
      .subarray(0, eol)
      .toString('latin1');
    if (/^[0-9a-fA-F]+[ \t]+;/.test(line)) {
      return {
        body: Buffer.concat(parts),
        problem: `chunked: chunk size line ${showBytes(Buffer.from(line, 'latin1'))} has whitespace before its extension: RFC 9112 allows it, but Node's HTTP parser (fetch's, the official SDK's) refuses the answer`,
      };
    }
    const size = /^([0-9a-fA-F]+)(?:;.*)?$/.exec(line);
    if (!size)
      return {
        body: Buffer.concat(parts),
        problem: `chunked: chunk size line ${showBytes(Buffer.from(line, 'latin1'))} is not hexadecimal`,
      };
    const n = Number.parseInt(size[1] as string, 16);
    if (n === 0) {
      // Trailer fields, then an empty line.
      for (;;) {
        const end = await incoming.until(CRLF, deadline, MAX_HEAD_BYTES);
        if (end < 0)
          return { body: Buffer.concat(parts), problem: 'chunked: the empty line after the last chunk never came' };
        if (incoming.take(end + 2).length === 2) return { body: Buffer.concat(parts) };
      }
    }
    if (!(await incoming.atLeast(n + 2, deadline))) {
      const got = Math.max(0, incoming.bytes.length);
      return {
        body: Buffer.concat([...parts, incoming.take(got)]),
        problem: `chunked: a chunk said ${n} bytes but only ${got} came`,
      };
    }
    const data = incoming.take(n);
    parts.push(data);
    const after = incoming.take(2);
    if (!after.equals(CRLF)) {
      return {
        body: Buffer.concat(parts),
        problem: `chunked: a chunk of ${n} bytes is followed by ${showBytes(Buffer.concat([after, incoming.bytes]))}, not CRLF: the chunk size does not count its bytes`,
      };
    }
  }
}

/** Reads the next answer off the connection. */
async function readAnswer(incoming: Incoming, method: string, timeoutMs: number): Promise<WireAnswer> {
  const deadline = Date.now() + timeoutMs;
  const none = (problem: string): WireAnswer => ({
    status: 0,
    headers: [],
    framing: 'none',
    body: new Uint8Array(),
    problems: [problem],
    closed: true,
  });
  let head: Head | string;
  // Interim answers (100 Continue, 103 Early Hints) come before the answer and are not it.
  do {
    const end = await incoming.until(HEAD_END, deadline, MAX_HEAD_BYTES);
    if (end < 0) {
      if (incoming.bytes.length === 0)
        return none(
          incoming.isEnded ? 'the connection closed without an answer' : `no answer within ${timeoutMs / 1000} s`,
        );
      return none(
        `the answer's head never ended (no empty line after the header fields): ${showBytes(incoming.bytes)}`,
      );
    }
    head = parseHead(
      incoming
        .take(end + 4)
        .subarray(0, end)
        .toString('latin1'),
    );
    if (typeof head === 'string') return none(head);
  } while (head.status >= 100 && head.status < 200 && head.status !== 101);
  const problems: string[] = [];
  const transfer = values(head.headers, 'transfer-encoding');
  const lengths = values(head.headers, 'content-length');
  const bodyless = method === 'HEAD' || head.status === 204 || head.status === 304 || head.status < 200;
  let framing: WireAnswer['framing'] = 'none';
  let body: Buffer = Buffer.alloc(0);
  if (transfer.length > 0 && lengths.length > 0)
    problems.push(
      `both Transfer-Encoding (${transfer.join(', ')}) and Content-Length (${lengths.join(', ')}) were sent: an answer has one framing (RFC 9112 §6.1)`,
    );
  if (bodyless) framing = 'none';
  else if (transfer.length > 0) {
    framing = 'chunked';
    if (!/(^|,)\s*chunked\s*$/i.test(transfer.join(',')))
      problems.push(`Transfer-Encoding: ${transfer.join(', ')} does not end in chunked`);
    const read = await readChunked(incoming, deadline);
    body = read.body;
    if (read.problem) problems.push(read.problem);
  } else if (lengths.length > 0) {
    framing = 'content-length';
    const distinct = [...new Set(lengths.flatMap((v) => v.split(',').map((s) => s.trim())))];
    const declared = distinct.length === 1 && /^\d+$/.test(distinct[0] as string) ? Number(distinct[0]) : undefined;
    if (declared === undefined) problems.push(`Content-Length: ${lengths.join(', ')} is not one byte count`);
    else if (!(await incoming.atLeast(declared, deadline))) {
      body = incoming.take(incoming.bytes.length);
      problems.push(
        `Content-Length: ${declared} but the body is ${body.length} bytes (then ${incoming.isEnded ? 'the connection closed' : `nothing for ${timeoutMs / 1000} s`})`,
      );
    } else body = incoming.take(declared);
  } else {
    framing = 'close';
    while (await incoming.more(Math.max(0, deadline - Date.now())));
    body = incoming.take(incoming.bytes.length);
  }
  const closes = values(head.headers, 'connection').some((v) => /close/i.test(v));
  return { status: head.status, headers: head.headers, framing, body, problems, closed: closes || framing === 'close' };
}

/** Whether the bytes are one whole JSON document, or XML that ends with its root's end tag (a body read to its end). */
function isWholeDocument(bytes: Uint8Array): boolean {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).trim();
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }
  return /^<[\s\S]*<\/[A-Za-z_][\w.-]*>$/.test(text);
}

/** What came after an answer, on a connection that should have been quiet until the next request. */
function strayProblem(answer: WireAnswer, stray: Buffer): string {
  if (/^HTTP\/1\.[01] \d{3}/.test(stray.subarray(0, 12).toString('latin1'))) {
    return `a second answer (${showBytes(stray, 16)}, ${stray.length} bytes) came after the answer on the kept-alive connection, with nothing asked`;
  }
  if (
    answer.framing === 'content-length' &&
    !isWholeDocument(answer.body) &&
    isWholeDocument(Buffer.concat([answer.body, stray]))
  ) {
    // The document ends in the bytes that followed: the length did not count them.
    const declared = answer.body.length;
    const whole = Buffer.concat([answer.body, stray]);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(whole);
    const inCharacters = [...text].length === declared || text.length === declared;
    return `Content-Length: ${declared} but the body is ${whole.length} bytes${inCharacters ? ' (Content-Length counts its characters, not its bytes)' : ''}: ${stray.length} bytes followed (${showBytes(stray)})`;
  }
  return `${stray.length} bytes followed the answer on the kept-alive connection (${showBytes(stray)})`;
}

/** A kept-alive HTTP/1.1 connection the kit writes requests on and reads each answer from its raw bytes. */
export interface WireConnection {
  /**
   * Writes the request and reads its answer; what a client library's own parser would forgive or
   * hide (a Content-Length that does not count the bytes, broken chunk framing, bytes after the
   * answer) is each a problem of that answer. A new connection is opened only when the server
   * closed the last one, or when its framing went wrong (it cannot be trusted for the next answer).
   */
  exchange(request: Request): Promise<WireAnswer>;
  close(): void;
}

export function wireConnection(options: WireExchangeOptions): WireConnection {
  let socket: Socket | undefined;
  let incoming: Incoming | undefined;
  const drop = () => {
    socket?.destroy();
    socket = undefined;
    incoming = undefined;
  };
  return {
    async exchange(request) {
      if (!socket || !incoming || incoming.isEnded) {
        drop();
        socket = await open(new URL(request.url), options.localAddress);
        incoming = new Incoming(socket);
      }
      socket.write(await requestBytes(request));
      const answer = await readAnswer(incoming, request.method, options.timeoutMs);
      if (answer.status !== 0 && !answer.closed && answer.problems.length === 0) {
        // Whatever comes before the next request is asked is not an answer to anything.
        while (await incoming.more(options.quietMs));
        if (incoming.bytes.length > 0) answer.problems.push(strayProblem(answer, incoming.take(incoming.bytes.length)));
      }
      if (answer.closed || answer.problems.length > 0) drop();
      return answer;
    },
    close: drop,
  };
}
