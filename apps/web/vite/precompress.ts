/**
 * Vite plugin: writes `.gz` and `.br` copies next to every compressible file of the build (JS, CSS, HTML, SVG, JSON,
 * the manifest), so the API serves them with `Content-Encoding` without compressing per request
 * (apps/api/src/routes/web). Copies that are not smaller than the original are skipped.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|map)$/;
/** Files smaller than this are sent as they are: the header costs more than the saving. */
const MIN_BYTES = 512;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

/** The plugin; `outDir` is read from the resolved config. */
export function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'chat-studio:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const file of filesUnder(outDir)) {
        if (!COMPRESSIBLE.test(file) || statSync(file).size < MIN_BYTES) continue;
        const data = readFileSync(file);
        const gz = gzipSync(data, { level: 9 });
        const br = brotliCompressSync(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
        });
        if (gz.length < data.length) writeFileSync(`${file}.gz`, gz);
        if (br.length < data.length) writeFileSync(`${file}.br`, br);
      }
    },
  };
}
