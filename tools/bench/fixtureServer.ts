/**
 * The benchmark's HTTP server, run in its own process so its CPU is not counted: answers every
 * request with the seed's JSON example (from the generated spec examples), whatever the
 * signature. Prints its port on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryTaskExamples } from '@iot-task/spec';

const body = JSON.stringify(QueryTaskExamples['200']['application/json'].Succeeded);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
