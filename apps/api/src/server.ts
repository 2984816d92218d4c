/** Chat Studio API server entry: opens the port at once on loopback, then loads the store, runtime and routes. */
// First: V8's heap settings apply only to what is allocated after them.
import './startup/young-generation.js';
import { loadConfig } from './config/index.js';
import { bundledStartServer } from './startup/bundled-entry.js';
import { earlyListener } from './startup/early-listener.js';
import { startWorkerEarly, warmRuntime } from './startup/warm-runtime.js';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

async function main() {
  const config = loadConfig();
  // On loopback the port opens before anything heavy is loaded (health says "starting", other requests wait). On
  // any other address nothing listens until the security settings were checked and the app is ready.
  const early = LOOPBACK.test(config.host)
    ? earlyListener({
        host: config.host,
        port: config.port,
        onError: (error) => {
          console.error(
            error.code === 'EADDRINUSE'
              ? `Port ${config.port} on ${config.host} is in use: another server runs there (pnpm stop stops ours), or set PORT`
              : `Cannot listen on ${config.host}:${config.port}: ${error.message}`,
          );
          process.exit(1);
        },
      })
    : undefined;
  // llama.cpp's worker thread starts first (it imports node-llama-cpp and loads the bindings while this thread
  // imports the rest), once the port is open so that its imports do not delay the first answer; in-process
  // (LLAMA_WORKER=off), the bindings' warm step instead.
  void (early?.listening ?? Promise.resolve()).then(() => startWorkerEarly(config)).catch(() => undefined);
  void warmRuntime(config);
  // The build's bundle of start-server.js's graph when there is one (a third of the import cost, issue #18).
  const bundle = bundledStartServer(import.meta.url);
  const { startServer } = bundle
    ? ((await import(bundle.href)) as typeof import('./startup/start-server.js'))
    : await import('./startup/start-server.js');
  await startServer(config, early);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
