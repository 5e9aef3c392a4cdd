import { env } from "@/lib/env";

/**
 * Before a sign-in (the check at the click, discovery), UniAuth counts as down only when silent this long: a provider
 * under load may take several seconds and still sign the user in, and slow is not down (UNIAUTH_DOWN_AFTER_MS).
 */
export const UNIAUTH_DOWN_AFTER_MS = env.UNIAUTH_DOWN_AFTER_MS;
/** How long any call to UniAuth may take: a sign-in that waits longer is told UniAuth is unavailable (UNIAUTH_TIMEOUT_MS). */
export const UNIAUTH_TIMEOUT_MS = env.UNIAUTH_TIMEOUT_MS;
/** Without the discovery document there is no sign-in: a slow UniAuth gets as long as the check at the click gives it. */
export const DISCOVERY_TIMEOUT_MS = UNIAUTH_DOWN_AFTER_MS;
/** A refresh's token call: well inside the refresh lease (30 s, lib/auth/core/session/refresh.ts), or a second request could refresh the same token. */
export const REFRESH_TIMEOUT_MS = 20_000;
/** Fetching UniAuth's signing keys to verify a back-channel logout token. */
export const JWKS_TIMEOUT_MS = 5000;
