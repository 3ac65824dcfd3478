import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/**
 * A process's own `/metrics` listener (the worker, the standalone webhook processor): nothing else is served.
 * With a token, a scrape needs `Authorization: Bearer <token>`, as the API's /metrics does (docs/security.md).
 */
export async function listenMetrics(registry: Registry, opts: { port: number; host: string; token?: string }) {
  const expected = opts.token === undefined ? undefined : digest(opts.token);
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const given = digest((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (expected && !crypto.timingSafeEqual(expected, given)) {
      res.writeHead(401).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  const url = `http://${opts.host}:${(server.address() as AddressInfo).port}/metrics`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
