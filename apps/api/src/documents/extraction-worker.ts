/** Entry point of an extraction worker thread: extracts or chunks what the pool sends, one job at a time. */
import { parentPort } from 'node:worker_threads';
import { chunkDocument } from './chunk-document.js';
import { extractInThread } from './extract-in-thread.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    if (request.op === 'chunk')
      return { id: request.id, ok: true, chunks: chunkDocument(request.document, { maxChars: request.maxChars }) };
    return { id: request.id, ok: true, document: await extractInThread(request.kind, request.bytes, request.name) };
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

parentPort?.on('message', (request: WorkerRequest) => {
  void handle(request).then((response) => parentPort?.postMessage(response));
});
