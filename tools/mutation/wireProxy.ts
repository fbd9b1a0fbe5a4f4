import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/** One answer of the server, as its bytes go to the client: the head (status line and fields, no empty line) and the body. */
export interface WireBytes {
  head: string;
  body: Buffer;
}

/** What to write to the client instead of an answer. */
export type WireRewrite = (answer: WireBytes) => Buffer;

export interface WireProxy {
  readonly url: string;
  close(): Promise<void>;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/** Splits the server's answers (each Content-Length framed, as the mock server frames them) off a byte stream. */
function answersOf(onAnswer: (answer: WireBytes) => void): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf(HEAD_END);
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      onAnswer({ head, body: Buffer.from(buffer.subarray(end + 4, end + 4 + length)) });
      buffer = buffer.subarray(end + 4 + length);
    }
  };
}

/**
 * A TCP proxy on loopback in front of a server (or, by the client's source address, one of
 * several), rewriting the bytes of its answers (`/__mock/` control answers pass untouched): how a
 * mutant lies in the transport, below what an HTTP library lets a handler do (a Content-Length
 * that does not count the bytes, broken chunks, an answer written twice), or counts a quota per
 * source address.
 */
export async function wireProxy(
  upstream: string | ((sourceAddress: string) => string),
  rewrite: WireRewrite = (answer) => withHead(answer, (head) => head),
): Promise<WireProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const address = (client.remoteAddress ?? '').replace(/^::ffff:/, '');
    const target = new URL(typeof upstream === 'string' ? upstream : upstream(address));
    const server = connect({ host: target.hostname, port: Number(target.port) });
    sockets.add(client);
    sockets.add(server);
    // Which answers are the API's: the request paths, in order.
    const paths: string[] = [];
    client.on('data', (chunk: Buffer) => {
      for (const match of chunk
        .toString('latin1')
        .matchAll(/(?:^|\r\n)(?:GET|POST|PUT|DELETE|HEAD|OPTIONS) (\S+) HTTP\/1\.1/g))
        paths.push(match[1] ?? '/');
      server.write(chunk);
    });
    server.on(
      'data',
      answersOf((answer) => {
        const path = paths.shift() ?? '/';
        client.write(
          path.startsWith('/__mock/')
            ? Buffer.concat([Buffer.from(`${answer.head}\r\n\r\n`, 'latin1'), answer.body])
            : rewrite(answer),
        );
      }),
    );
    const end = () => {
      client.destroy();
      server.destroy();
      sockets.delete(client);
      sockets.delete(server);
    };
    client.on('close', end);
    server.on('close', end);
    client.on('error', end);
    server.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An answer's bytes as they were, with its head changed by `head`. */
export function withHead(answer: WireBytes, head: (head: string) => string, body: Buffer = answer.body): Buffer {
  return Buffer.concat([Buffer.from(`${head(answer.head)}\r\n\r\n`, 'latin1'), body]);
}
