import { createServer } from 'node:http';
import { createReceiver } from './receiver.js';

/**
 * `pnpm --filter @pipkit/example-webhook-receiver start`: a receiver on `HOST:PORT` (default
 * 127.0.0.1:3100) for the secret in `PIPKIT_WEBHOOK_SECRET`, printing one line per message.
 * Point the HTTP service's worker at it with `PIPKIT_WEBHOOK_URL=http://127.0.0.1:3100/`.
 */
const secret = process.env.PIPKIT_WEBHOOK_SECRET;
if (!secret) throw new Error('PIPKIT_WEBHOOK_SECRET is required (whsec_..., the sender’s secret).');
const server = createServer(
  createReceiver({
    secret,
    onMessage: (payload, id) => {
      console.log(JSON.stringify({ id, type: payload.type, pipId: payload.data.pipId }));
    },
  }),
);
const port = Number(process.env.PORT ?? 3100);
server.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  console.log(`webhook receiver on ${JSON.stringify(server.address())}`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
