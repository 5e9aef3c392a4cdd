/**
 * The variables Auth.js reads its secrets from, in the order @auth/core's `setEnvDefaults` arranges them:
 * AUTH_SECRET first, then AUTH_SECRET_1, _2 and _3 each put in front. The first secret encrypts and every one
 * decrypts, so the highest-numbered secret set is the newest. (next-auth's own defaults would ignore the
 * numbered ones whenever AUTH_SECRET is set: the app passes this list to Auth.js itself, so they always count.)
 * No zod here: the edge gate imports this.
 */
export const AUTH_SECRET_KEYS = ["AUTH_SECRET_3", "AUTH_SECRET_2", "AUTH_SECRET_1", "AUTH_SECRET"] as const;

/** The secrets set among those variables, newest first (empty values count as unset, as in lib/env.ts). */
export function authSecrets(source: Readonly<Record<string, string | undefined>>): string[] {
  return AUTH_SECRET_KEYS.map((key) => source[key]?.trim()).filter((secret): secret is string => !!secret);
}
