/** The placeholder every removed secret becomes. */
export const REDACTED = '[redacted]';

/** Variable names whose values are secrets. */
export const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASS|AUTH|COOKIE|CREDENTIAL/i;

/** Chat Studio API keys (`cs_…`) and the common bearer-key shapes of other providers. */
const API_KEY_VALUE = /\b(?:cs|sk|pk|rk)_[A-Za-z0-9_-]{8,}|\bsk-[A-Za-z0-9_-]{16,}/g;
/** `scheme://user:password@host` → keeps the user, drops the password. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi;
/** `Authorization: Bearer …` or `Cookie: …` lines inside logs. */
const HEADER_LINE = /\b(authorization|cookie|set-cookie|x-api-key)(["']?\s*[:=]\s*["']?)[^"'\n,}]+/gi;

/** Replaces API-key-looking values, URL passwords and credential headers inside free text. */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...extraSecrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(API_KEY_VALUE, REDACTED)
    .replace(URL_PASSWORD, `$1:${REDACTED}@`)
    .replace(HEADER_LINE, `$1$2${REDACTED}`);
}

/** Passwords inside URLs in `value` (raw and percent-decoded), so they can be scrubbed wherever else they appear. */
function urlPasswords(value: string): string[] {
  const found: string[] = [];
  for (const match of value.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s@/]+)@/gi)) {
    const raw = match[1]!;
    found.push(raw);
    try {
      const decoded = decodeURIComponent(raw);
      if (decoded !== raw) found.push(decoded);
    } catch {
      // Not valid percent-encoding: the raw form is all there is.
    }
  }
  return found;
}

/**
 * The environment with every secret removed: values of variables named like secrets become `[redacted]`, and
 * other values lose API keys and URL passwords (`DATABASE_URL=postgres://chat:[redacted]@db/chat`). Also returns the
 * removed values, URL passwords included, to scrub them from logs.
 *
 * @example
 * const { env, secrets } = redactEnv(process.env);
 * const safeLog = redactText(logText, secrets);
 */
export function redactEnv(source: NodeJS.ProcessEnv): { env: Record<string, string>; secrets: string[] } {
  const env: Record<string, string> = {};
  const secrets: string[] = [];
  for (const name of Object.keys(source).sort()) {
    const value = source[name];
    if (value === undefined) continue;
    if (SECRET_NAME.test(name)) {
      env[name] = REDACTED;
      if (value) secrets.push(value);
    } else {
      env[name] = redactText(value);
      // A DATABASE_URL's password may also show up bare in logs (a driver error, a pasted command line).
      secrets.push(...urlPasswords(value));
    }
  }
  return { env, secrets };
}
