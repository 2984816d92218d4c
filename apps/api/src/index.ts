/** @chat-studio/api: the Hono app factory and its configuration. */
export { createApp, LOCAL_PRINCIPAL, type App } from './app/create-app.js';
export type { AppDeps, AppEnv, Principal } from './app/app-env.js';
export { loadConfig, REPO_ROOT, type AppConfig } from './config/index.js';
export { ApiError } from './errors/index.js';
export { createChatTurns, deriveTitle } from './chat-service/index.js';
