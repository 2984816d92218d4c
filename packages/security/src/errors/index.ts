/** Errors the security package throws, each with its protocol code. */
export {
  SecurityError,
  InvalidCredentialsError,
  InvalidApiKeyError,
  AuthRequiredError,
  UserExistsError,
  UserNotFoundError,
  ApiKeyNotFoundError,
  InvalidUsernameError,
  InvalidApiKeyNameError,
  WeakPasswordError,
  CsrfError,
  RateLimitedError,
  UnsafeAuthModeError,
  InvalidSecurityConfigError,
} from './security-errors.js';
