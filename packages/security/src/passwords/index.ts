/** Password hashing with scrypt. */
export {
  hashPassword,
  verifyPassword,
  dummyVerifyPassword,
  DEFAULT_SCRYPT_PARAMS,
  type ScryptParams,
} from './scrypt-hash.js';
