/** Vite config for the Chat Studio web app: Preact preset, API proxy for dev, CSP-friendly build. */
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { precompress } from './vite/precompress.js';
import { appShellWorker } from './vite/app-shell-worker.js';

const apiTarget = process.env.CHAT_STUDIO_API ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [preact(), appShellWorker(), precompress()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/v1': { target: apiTarget, changeOrigin: false },
      '/health': { target: apiTarget, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    // The API's CSP is `script-src 'self'`: the polyfill would be an inline script.
    modulePreload: { polyfill: false },
    sourcemap: false,
    // Mermaid's layout engines are big, but each loads only when a diagram of its kind is drawn.
    chunkSizeWarningLimit: 2000,
  },
});
