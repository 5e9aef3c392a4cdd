import { env } from "@/lib/env";

/**
 * Before a sign-in (the check at the click, discovery), UniAuth counts as down only when silent this long: a provider
 * under load may take several seconds and still sign the user in, and slow is not down (UNIAUTH_DOWN_AFTER_MS).
 */
export const UNIAUTH_DOWN_AFTER_MS = env.UNIAUTH_DOWN_AFTER_MS;
/** How long any call to UniAuth may take: a sign-in that waits longer is told UniAuth is unavailable (UNIAUTH_TIMEOUT_MS). */
export const UNIAUTH_TIMEOUT_MS = env.UNIAUTH_TIMEOUT_MS;
