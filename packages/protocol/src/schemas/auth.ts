import * as v from 'valibot';
import { IdSchema, TimestampSchema } from './common.js';

export const USERNAME_PATTERN = /^[a-zA-Z0-9_.-]{1,64}$/;

export const UsernameSchema = v.pipe(v.string(), v.regex(USERNAME_PATTERN, 'Username: 1-64 letters, digits, _ . -'));
export const PasswordSchema = v.pipe(v.string(), v.minLength(8, 'Password: at least 8 characters'), v.maxLength(1024));

export const LoginRequestSchema = v.object({
  username: v.pipe(v.string(), v.maxLength(64)),
  password: v.pipe(v.string(), v.maxLength(1024)),
});
export type LoginRequest = v.InferInput<typeof LoginRequestSchema>;

/** `admin` may switch models, read `/metrics` and manage users; `user` chats and reads model status. */
export const USER_ROLES = ['admin', 'user'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const UserSchema = v.object({
  id: IdSchema,
  username: v.string(),
  created_at: TimestampSchema,
  role: v.picklist(USER_ROLES),
});
export type User = v.InferOutput<typeof UserSchema>;

export const MeResponseSchema = v.object({ user: UserSchema, auth: v.picklist(['cookie', 'api_key', 'local']) });
export type MeResponse = v.InferOutput<typeof MeResponseSchema>;

export const ApiKeyInfoSchema = v.object({
  id: IdSchema,
  name: v.string(),
  prefix: v.string(),
  created_at: TimestampSchema,
  last_used_at: v.nullable(TimestampSchema),
  /** A service key (a Chat Studio front calling this server as an upstream): rate limits do not throttle it. */
  service: v.optional(v.boolean()),
});
export type ApiKeyInfo = v.InferOutput<typeof ApiKeyInfoSchema>;

export const CreateApiKeyRequestSchema = v.object({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
});
export type CreateApiKeyRequest = v.InferInput<typeof CreateApiKeyRequestSchema>;

/** The only response that ever contains the whole key. */
export const CreateApiKeyResponseSchema = v.object({ key: v.string(), api_key: ApiKeyInfoSchema });
export type CreateApiKeyResponse = v.InferOutput<typeof CreateApiKeyResponseSchema>;
