import type { Principal } from '../auth/index.js';

/** Context variables this package's middleware sets. Matches the API's `AppEnv['Variables']`. */
export interface SecurityVariables {
  principal: Principal;
}

/** Hono environment for this package's middleware. */
export interface SecurityEnv {
  Variables: SecurityVariables;
}

/** Either a number of trusted reverse-proxy hops, or true for one. Defaults to false (no proxy). */
export type TrustProxy = boolean | number;
