/**
 * Child process of the mock-server benchmark: autocannon sends the pre-signed requests it is
 * given (one file, one path per line; each used once, so no nonce repeats) to `url`, and prints
 * autocannon's result as JSON on stdout. Nothing is signed here: the load costs only HTTP.
 *
 * `node loadGenerator.ts <url> <paths file> <connections> <requests>`
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, file, connections, amount] = process.argv.slice(2) as [string, string, string, string];
const paths = readFileSync(file, 'utf8').split('\n').filter(Boolean);
let next = 0;
const result = await autocannon({
  url,
  connections: Number(connections),
  amount: Math.min(Number(amount), paths.length),
  requests: [
    {
      method: 'GET',
      setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] as string }),
    },
  ],
});
process.stdout.write(JSON.stringify(result));
