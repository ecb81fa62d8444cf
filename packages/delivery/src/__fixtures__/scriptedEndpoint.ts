// A real HTTP endpoint on 127.0.0.1 (node:http, port 0) that answers each request as its script
// says: the bad behaviours a webhook receiver shows in production, without a timer in the test.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the endpoint answers one request:
 * - a status (`204`, `500`, `400`, `429`);
 * - `hang`: never answers;
 * - `slow`: answers 200 only when the next request arrives, after the client has given up;
 * - `{ redirect, to }`: a 3xx pointing at `to`.
 */
export type Behaviour =
  number | 'hang' | 'slow' | { readonly redirect: number; readonly to: string };

/** One request as the endpoint received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** The running endpoint. */
export interface ScriptedEndpoint {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Replaces what the next requests get; past the end of the script every request gets 204. */
  script(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

/** Starts an endpoint; close it after the test. */
export async function scriptedEndpoint(...behaviours: Behaviour[]): Promise<ScriptedEndpoint> {
  let queue = [...behaviours];
  const requests: ReceivedRequest[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      // A slow answer from before goes out now, long after its client stopped waiting.
      for (const late of held.splice(0)) if (!late.destroyed) late.writeHead(200).end('late');
      const behaviour = queue.shift() ?? 204;
      if (behaviour === 'hang') return;
      if (behaviour === 'slow') return void held.push(response);
      if (typeof behaviour === 'number') return void response.writeHead(behaviour).end();
      response.writeHead(behaviour.redirect, { location: behaviour.to }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/pipkit`,
    requests,
    script(...next) {
      queue = [...next];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
