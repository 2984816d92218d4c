/**
 * The vector index's worker thread: it holds every loaded partition's int8 vectors and answers scans, so a scan
 * (milliseconds at a million vectors) never runs on the event loop. Requests are answered in the order they came,
 * so a search sees every upsert and remove sent before it.
 */
import { parentPort } from 'node:worker_threads';
import type { IndexReply, IndexRequest } from './protocol.js';
import { QuantizedIndex } from './quantized-index.js';

const port = parentPort;
if (!port) throw new Error('vector-index worker started outside a worker thread');

const partitions = new Map<string, QuantizedIndex>();

function handle(request: IndexRequest): unknown {
  switch (request.op) {
    case 'upsert': {
      let index = partitions.get(request.key);
      if (!index || index.dims !== request.dims) {
        // The first batch (a load's first vec0 chunk, or a first store) gives the partition its center.
        const n = request.ids.length;
        const center = n > 0 ? QuantizedIndex.centerOf(request.vectors, request.dims, n) : undefined;
        index = new QuantizedIndex(request.dims, center);
        partitions.set(request.key, index);
      }
      for (let i = 0; i < request.ids.length; i++)
        index.upsert(request.ids[i] as string, request.vectors, i * request.dims);
      return index.size;
    }
    case 'remove': {
      const index = partitions.get(request.key);
      if (index) for (const id of request.ids) index.remove(id);
      return index?.size ?? 0;
    }
    case 'drop':
      if (request.key === null) partitions.clear();
      else partitions.delete(request.key);
      return null;
    case 'search': {
      const index = partitions.get(request.key);
      return index ? index.search(request.query, request.k) : { ids: [], scores: [] };
    }
  }
}

port.on('message', ({ id, request }: { id: number; request: IndexRequest }) => {
  let reply: IndexReply;
  try {
    reply = { id, value: handle(request) };
  } catch (error) {
    const e = error as { name?: unknown; message?: unknown } | null;
    reply = {
      id,
      error: {
        name: typeof e?.name === 'string' ? e.name : 'Error',
        message: typeof e?.message === 'string' ? e.message : String(error),
      },
    };
  }
  port.postMessage(reply);
});
