/** Entry point of an extraction worker thread: extracts what the pool sends, one file at a time. */
import { parentPort } from 'node:worker_threads';
import { extractRich } from './extract-rich.js';
import type { ExtractionRequest, ExtractionResponse } from './worker-messages.js';

async function handle(request: ExtractionRequest): Promise<ExtractionResponse> {
  try {
    const document = await extractRich(request.kind, request.bytes, request.name);
    return { id: request.id, ok: true, text: document.text, pages: document.pages };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      id: request.id,
      ok: false,
      code: typeof code === 'string' ? code : null,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

parentPort?.on('message', (request: ExtractionRequest) => {
  void handle(request).then((response) => parentPort?.postMessage(response));
});
