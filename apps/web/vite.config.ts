/** Vite config for the Chat Studio web app: Preact preset, API proxy for dev, CSP-friendly build. */
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

const apiTarget = process.env.CHAT_STUDIO_API ?? 'http://127.0.0.1:5000';

export default defineConfig({
  plugins: [preact()],
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
  },
});
