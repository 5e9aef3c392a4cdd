import { env } from "@/lib/env";

/** Slow is not down: before a sign-in, UniAuth is down only after this long a silence (under load it takes seconds). */
export const UNIAUTH_DOWN_AFTER_MS = env.UNIAUTH_DOWN_AFTER_MS;
/** Any call to UniAuth: a sign-in that waits longer is told UniAuth is unavailable. */
export const UNIAUTH_TIMEOUT_MS = env.UNIAUTH_TIMEOUT_MS;
/** Without discovery there is no sign-in: a slow UniAuth gets as long as the check at the click gives it. */
export const DISCOVERY_TIMEOUT_MS = UNIAUTH_DOWN_AFTER_MS;
/** Well inside the refresh lease (30 s), or a second request could refresh the same token. */
export const REFRESH_TIMEOUT_MS = 20_000;
export const JWKS_TIMEOUT_MS = 5000;
