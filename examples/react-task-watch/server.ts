/**
 * Serves the built example and its same-origin signing proxy, with the mock server behind it:
 * browser → /api/iot (unsigned) → createSigningProxy (signs, keeps the quota) → mock server.
 * `npm start -w @iot-task/example-react` after a build; prints the URL.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createSigningProxy } from '@iot-task/client';
import { createMockServer, type MockServer } from '@iot-task/mock-server';
import { TEST_CREDENTIALS } from '@iot-task/msw';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

export async function startExample(port = 0): Promise<{ url: string; mock: MockServer; close: () => Promise<void> }> {
  const mock = await createMockServer({ port: 0 });
  const proxy = createSigningProxy({ endpoint: mock.url, credentials: TEST_CREDENTIALS });
  const dist = path.join(import.meta.dirname, 'dist');
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/iot')) {
      const response = await proxy(new Request(url, { method: req.method ?? 'GET' }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    const file = path.join(dist, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mock,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await mock.close();
    },
  };
}

if (import.meta.main) {
  const example = await startExample(Number(process.env.PORT ?? 5173));
  console.log(`IoT task watch: ${example.url} (mock at ${example.mock.url}); ?mock=worker for the service-worker mode`);
  process.once('SIGINT', () => void example.close());
}
