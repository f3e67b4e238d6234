import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './engine.js';

export interface StandInRequest {
  body: { input: string[]; model: string; dimensions?: number };
  headers: IncomingMessage['headers'];
  /** 1 for the first request. */
  n: number;
}

/**
 * A STAND-IN for a remote OpenAI-compatible /v1/embeddings endpoint (no real provider can be
 * reached from here): a local HTTP server that speaks the protocol, answers with vectors
 * derived from the text, and misbehaves on demand: `behave` answers a request itself and
 * returns true (429, 500, silence, wrong dimensions), or returns false for a normal answer.
 * Closed after the test.
 */
export async function embeddingsStandIn(behave: (request: StandInRequest, response: ServerResponse) => boolean) {
  const requests: Array<{ input: string[]; authorization: string | undefined }> = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as StandInRequest['body'];
      requests.push({ input: body.input, authorization: req.headers.authorization });
      if (behave({ body, headers: req.headers, n: requests.length }, res)) return;
      answerEmbeddings(res, body, body.dimensions ?? 8);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url, requests };
}

/** A well-formed answer with `dimensions`-long vectors derived from each text. */
export function answerEmbeddings(res: ServerResponse, body: StandInRequest['body'], dimensions: number): void {
  res.setHeader('content-type', 'application/json');
  res.end(
    JSON.stringify({
      object: 'list',
      model: body.model,
      data: body.input.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from(
          { length: dimensions },
          (_, d) => ((text.charCodeAt(d % text.length) * (d + 1)) % 17) - 8,
        ),
      })),
    }),
  );
}
