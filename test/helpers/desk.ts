import { startHttpsReceiver } from './https-receiver';

/**
 * A tenant's agent desk (https, on loopback under a test name): keeps every escalation forwarded to it and answers
 * `statusOf(n)` (default 200). Reaching loopback takes the test-only outbound policy given to the stack in code:
 * `startStack({ app: { outbound: loopbackAllowedPolicy } })` (test/helpers/https-receiver.ts).
 */
export async function startDesk(statusOf: (n: number) => number = () => 200) {
  const received: { body: string; signature: string | undefined; status: number }[] = [];
  const receiver = await startHttpsReceiver((hit, _n, res) => {
    const status = statusOf(received.length);
    received.push({ body: hit.body, signature: hit.headers['x-lifeline-signature-256'] as string | undefined, status });
    res.writeHead(status).end();
  });
  return { url: receiver.url('/desk'), received, close: receiver.close };
}
