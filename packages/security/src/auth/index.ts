/** Accounts, login sessions and API keys. */
export {
  createAuthService,
  type AuthService,
  type AuthServiceOptions,
  type LoginResult,
  type CreatedApiKey,
} from './create-auth-service.js';
export { LOCAL_USER, type Principal } from './principal.js';
export type {
  AuthStorage,
  UserRepository,
  AuthSessionRepository,
  ApiKeyRepository,
  UserRecord,
  AuthSessionRecord,
  ApiKeyRecord,
} from './auth-storage.js';
