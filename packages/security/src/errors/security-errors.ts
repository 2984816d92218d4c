import type { ErrorCode } from '@chat-studio/protocol';

/**
 * Base of every error this package throws. `code` is the protocol error code the API answers with;
 * `name` is the class name, which the API's error mapper also understands.
 */
export abstract class SecurityError extends Error {
  abstract readonly code: ErrorCode;
}

/** Wrong username or password, or an unknown/expired/revoked session token or API key (401). */
export class InvalidCredentialsError extends SecurityError {
  override readonly name = 'InvalidCredentialsError';
  readonly code = 'unauthorized' as const;
  constructor(message = 'Invalid username or password') {
    super(message);
  }
}

/** A Bearer API key that is unknown or revoked (401). */
export class InvalidApiKeyError extends SecurityError {
  override readonly name = 'InvalidApiKeyError';
  readonly code = 'unauthorized' as const;
  constructor(message = 'Invalid or revoked API key') {
    super(message);
  }
}

/** The route needs a signed-in user and the request carries no valid credentials (401). */
export class AuthRequiredError extends SecurityError {
  override readonly name = 'AuthRequiredError';
  readonly code = 'unauthorized' as const;
  constructor(message = 'Authentication required: sign in or send "Authorization: Bearer <api key>"') {
    super(message);
  }
}

/** A username that is already taken (usernames compare case-insensitively) (409). */
export class UserExistsError extends SecurityError {
  override readonly name = 'UserExistsError';
  readonly code = 'conflict' as const;
  constructor(readonly username: string) {
    super(`User "${username}" already exists`);
  }
}

/** No user with that name or id (404). */
export class UserNotFoundError extends SecurityError {
  override readonly name = 'UserNotFoundError';
  readonly code = 'not_found' as const;
  constructor(readonly user: string) {
    super(`User "${user}" not found`);
  }
}

/** No unrevoked API key with that id belongs to the user (404). */
export class ApiKeyNotFoundError extends SecurityError {
  override readonly name = 'ApiKeyNotFoundError';
  readonly code = 'not_found' as const;
  constructor(readonly keyId: string) {
    super(`API key "${keyId}" not found`);
  }
}

/** A username outside `USERNAME_PATTERN` (400). */
export class InvalidUsernameError extends SecurityError {
  override readonly name = 'InvalidUsernameError';
  readonly code = 'validation_error' as const;
  constructor(readonly username: string) {
    super('Username: 1-64 letters, digits, _ . -');
  }
}

/** An API key name that is empty or longer than 100 characters (400). */
export class InvalidApiKeyNameError extends SecurityError {
  override readonly name = 'InvalidApiKeyNameError';
  readonly code = 'validation_error' as const;
  constructor(message = 'API key name: 1-100 characters') {
    super(message);
  }
}

/** A password shorter than 8 or longer than 1024 characters (400). */
export class WeakPasswordError extends SecurityError {
  override readonly name = 'WeakPasswordError';
  readonly code = 'validation_error' as const;
  constructor(message = 'Password: at least 8 characters') {
    super(message);
  }
}

/** A cookie-authenticated (or unauthenticated) state-changing request from another origin (403). */
export class CsrfError extends SecurityError {
  override readonly name = 'CsrfError';
  readonly code = 'forbidden' as const;
  constructor(message = 'Cross-origin request rejected') {
    super(message);
  }
}

/** Too many requests in the current window; `retryAfterSeconds` becomes `Retry-After` (429). */
export class RateLimitedError extends SecurityError {
  override readonly name = 'RateLimitedError';
  readonly code = 'rate_limited' as const;
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many requests; retry in ${retryAfterSeconds} s`,
  ) {
    super(message);
  }
}

/** AUTH=off on an address other hosts can reach: the server must refuse to start. */
export class UnsafeAuthModeError extends SecurityError {
  override readonly name = 'UnsafeAuthModeError';
  readonly code = 'internal_error' as const;
  constructor(readonly host: string) {
    super(
      `Refusing to start: AUTH=off while listening on "${host}", which other machines can reach. ` +
        'Anyone on the network would act as the local user. Either listen on a loopback address ' +
        '(HOST=127.0.0.1) or turn authentication on (AUTH=on, then create a user with `pnpm users add <name>`).',
    );
  }
}

/** An AUTH value other than on/off, or an unparsable rate such as `10/fortnight`. */
export class InvalidSecurityConfigError extends SecurityError {
  override readonly name = 'InvalidSecurityConfigError';
  readonly code = 'internal_error' as const;
}

/**
 * A request whose `Host` is neither a loopback name nor in ALLOWED_HOSTS (403): a DNS-rebinding page, or a proxy
 * forwarding a name the operator has not listed.
 */
export class ForbiddenHostError extends SecurityError {
  override readonly name = 'ForbiddenHostError';
  readonly code = 'forbidden' as const;
  constructor(readonly host: string) {
    super(
      host.trim() === '' || hostless(host)
        ? 'Request refused: the Host header names no host'
        : `Request refused: Host "${host}" is not this server's name; add it to ALLOWED_HOSTS if it is`,
    );
  }
}

function hostless(host: string): boolean {
  return host.trim().startsWith(':');
}

/** The route needs an administrator and the caller is a plain user (403). */
export class AdminRequiredError extends SecurityError {
  override readonly name = 'AdminRequiredError';
  readonly code = 'forbidden' as const;
  constructor(message = 'Only an administrator may do this; ask one to run `pnpm users role <name> admin`') {
    super(message);
  }
}

/** A role other than `admin` or `user` (400). */
export class InvalidRoleError extends SecurityError {
  override readonly name = 'InvalidRoleError';
  readonly code = 'validation_error' as const;
  constructor(readonly role: string) {
    super(`Role must be "admin" or "user", got "${role}"`);
  }
}
