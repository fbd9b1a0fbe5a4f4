/**
 * The physical floors a client call is compared with: one QueryTask round trip with a fixed,
 * pre-signed request and `JSON.parse` of the answer, and nothing else — over a raw TCP socket
 * (HTTP/1.1 written and read by hand), over `node:http` with a keep-alive agent, and over `fetch`.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export const PRE_SIGNED_PATH =
  '/?Action=QueryTask&TaskId=MSnT9%2A%2A%2Aq010101&Format=JSON&Version=2018-01-20&AccessKeyId=bench-key&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=0&Timestamp=2026-11-26T00%3A00%3A00Z&Signature=x';

/** `endpoint` is `host:port`. One persistent socket; one request in flight at a time. */
export function rawSocketCall(endpoint: string): () => Promise<unknown> {
  const [host, port] = endpoint.split(':') as [string, string];
  const bytes = Buffer.from(`GET ${PRE_SIGNED_PATH} HTTP/1.1\r\nHost: ${endpoint}\r\nConnection: keep-alive\r\n\r\n`);
  let socket: Socket | undefined;
  let waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined;
  let buffered: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end === -1) return;
    const head = buffered.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? Number.NaN);
    if (buffered.length < end + 4 + length) return;
    const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
    buffered = buffered.subarray(end + 4 + length);
    const done = waiting;
    waiting = undefined;
    done?.resolve(JSON.parse(body));
  };
  return () =>
    new Promise((resolve, reject) => {
      if (!socket) {
        socket = connect(Number(port), host);
        socket.setNoDelay(true);
        socket.on('data', onData);
        socket.on('error', (error) => waiting?.reject(error));
      }
      waiting = { resolve, reject };
      socket.write(bytes);
    });
}

export function nodeHttpCall(endpoint: string): () => Promise<unknown> {
  const [hostname, port] = endpoint.split(':') as [string, string];
  const agent = new Agent({ keepAlive: true });
  return () =>
    new Promise((resolve, reject) => {
      const req = request({ hostname, port, path: PRE_SIGNED_PATH, method: 'GET', agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
}

export function fetchCall(endpoint: string): () => Promise<unknown> {
  const url = `http://${endpoint}${PRE_SIGNED_PATH}`;
  return async () => (await fetch(url)).json();
}
