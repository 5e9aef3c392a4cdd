import { z } from "zod";
import { AUTH_SECRET_KEYS, authSecrets } from "./auth-secrets";

export const UNIAUTH_ISSUER = "https://uniauth.id";

const WHERE = {
  AUTH_SECRET: "generate one with `openssl rand -base64 33` (npm run dev makes one for you)",
  AUTH_SECRET_1: "to rotate: a new `openssl rand -base64 33`, set beside the old secret; the highest-numbered secret is the newest",
  AUTH_SECRET_2: "to rotate again: a new `openssl rand -base64 33`; it becomes the newest secret",
  AUTH_SECRET_3: "to rotate again: a new `openssl rand -base64 33`; it becomes the newest secret",
  AUTH_URL: "the app's public origin, e.g. https://app.example.com (optional on Vercel)",
  UNIAUTH_ISSUER: `leave unset for ${UNIAUTH_ISSUER}; npm run dev points it at the local stand-in`,
  UNIAUTH_CLIENT_ID: "UniAuth Developer Console → your application → Credentials",
  UNIAUTH_CLIENT_SECRET: "UniAuth Developer Console → your application → Credentials (shown once)",
  DATABASE_URL: "your Postgres provider's pooled URL (Neon's DATABASE_URL on Vercel); npm run dev starts a database when unset",
  DATABASE_URL_UNPOOLED: "your Postgres provider's direct URL, for migrations (Neon's DATABASE_URL_UNPOOLED on Vercel); optional",
  UNIAUTH_LOGOUT_TOKEN_OPTIONAL: "leave unset (strict); only if UniAuth's logout tokens lack `jti` or `exp`, name that one claim",
  ROLES_MAX_AGE_SECONDS: "leave unset for 3600: how old a staff or superuser session's roles may become before a refresh re-reads them; at least 10",
  MEMBER_ROLES_MAX_AGE_SECONDS: "leave unset for 172800 (two days): the same for a member's session; at least ROLES_MAX_AGE_SECONDS",
  ELEVATED_ROLES_MAX_AGE_SECONDS: "leave unset for 7200: staff and superuser rights lapse past this age without a re-read; at least ROLES_MAX_AGE_SECONDS",
  UNIAUTH_TOKEN_LIMIT: "leave unset for 30, UniAuth's limit on token calls per client IP per window", // feature:token-budget
  UNIAUTH_RATE_WINDOW_SECONDS: "leave unset for 900, UniAuth's 15-minute window", // feature:token-budget
  UNIAUTH_REFRESH_SHARE: "leave unset for 18: token calls per window only role refreshes may spend", // feature:token-budget
  UNIAUTH_KNOWN_DEVICE_SHARE: "leave unset for 6: token calls per window only sign-ins from known devices may spend; the rest of UNIAUTH_TOKEN_LIMIT is the open pool", // feature:token-budget
  SIGNINS_PER_DEVICE: "leave unset for 3: sign-ins one known device may make per window before it counts as unknown", // feature:token-budget
  SIGNINS_PER_USER: "leave unset for 5: sign-ins from the known devices of one user per window before they count as unknown", // feature:token-budget
  SIGNIN_FAILURES_PER_ADDRESS: "leave unset for 5: failed code exchanges from unknown devices at one client address per window before a 429 page", // feature:token-budget
  TRUSTED_PROXY_HOPS: "leave unset for 0 (on Vercel, x-real-ip is used): how many proxies in front of the app append to X-Forwarded-For",
  CRON_SECRET: "any random string of 16+ characters (`openssl rand -hex 32`); Vercel Cron sends it as a bearer token",
  UNIAUTH_FRONTCHANNEL_LOGOUT: "true to accept front-channel logout (an unauthenticated GET); leave unset for back-channel only", // feature:frontchannel-logout
  STEP_UP_MAX_AGE_SECONDS: "leave unset for 600: how recent a UniAuth sign-in must be for a sensitive action; 30 to 86400", // feature:step-up
  STEP_UP_ACR: "leave unset for any; e.g. urn:uniauth:acr:mfa to require MFA for sensitive actions (several: space-separated)", // feature:step-up
  AUDIT_RETENTION_DAYS: "leave unset for 90: how long the audit trail keeps an auth event; at least 1", // feature:audit-trail
  UNIAUTH_TIMEOUT_MS: "leave unset for 5000: how long any call to UniAuth may take before the sign-in is told UniAuth is unavailable; 100 to 60000",
  UNIAUTH_DOWN_AFTER_MS: "leave unset for 10000: how long UniAuth may stay silent at the sign-in click (and discovery) before it counts as down; 100 to 60000",
  UNIAUTH_CHECK_CACHE_MS: "leave unset for 5000: how long one check that UniAuth answers stands for the clicks after it; 0 to 60000", // feature:uniauth-outage
  UNIAUTH_DISCOVERY_RETRY_MS: "leave unset for 10000: how long after a failed discovery UniAuth is asked again; 0 to 3600000",
} as const;

type Key = keyof typeof WHERE;

// An empty string in a .env file means "not set".
const text = z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), z.string().trim().optional());
const required = (message: string) => text.pipe(z.string({ error: message }));
const integer = (message: string) => z.coerce.number<string | undefined>({ error: message }).int(message);
const secret = text.pipe(z.string().min(32, "must be at least 32 characters").optional());
const milliseconds = (min: number, max: number, fallback: number) =>
  text.pipe(integer("must be a number of milliseconds").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`).default(fallback));
const url = (protocols: RegExp, message: string) =>
  z.url({ protocol: protocols, error: message }).transform((value) => value.replace(/\/+$/, ""));

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Set to 1 by Vercel on its builds and functions: its headers (x-real-ip) can be trusted. */
    VERCEL: text.transform((value) => value === "1"),
    AUTH_SECRET: secret,
    AUTH_SECRET_1: secret,
    AUTH_SECRET_2: secret,
    AUTH_SECRET_3: secret,
    AUTH_URL: text.pipe(url(/^https?$/, "must be an http(s) URL").optional()),
    UNIAUTH_ISSUER: text.pipe(url(/^https?$/, "must be an http(s) URL")).default(UNIAUTH_ISSUER),
    UNIAUTH_CLIENT_ID: required("is missing"),
    UNIAUTH_CLIENT_SECRET: required("is missing"),
    DATABASE_URL: required("is missing").pipe(url(/^postgres(ql)?$/, "must be a postgresql:// URL")),
    DATABASE_URL_UNPOOLED: text.pipe(url(/^postgres(ql)?$/, "must be a postgresql:// URL").optional()),
    UNIAUTH_LOGOUT_TOKEN_OPTIONAL: text.pipe(z.enum(["jti", "exp"], { error: "must be jti or exp (or unset)" }).optional()),
    ROLES_MAX_AGE_SECONDS: text.pipe(integer("must be a number of seconds").min(10, "must be at least 10").default(3600)),
    MEMBER_ROLES_MAX_AGE_SECONDS: text.pipe(integer("must be a number of seconds").min(10, "must be at least 10").default(172_800)),
    ELEVATED_ROLES_MAX_AGE_SECONDS: text.pipe(integer("must be a number of seconds").min(10, "must be at least 10").default(7200)),
    UNIAUTH_TOKEN_LIMIT: text.pipe(integer("must be a number of calls").min(1, "must be at least 1").default(30)), // feature:token-budget
    UNIAUTH_RATE_WINDOW_SECONDS: text.pipe(integer("must be a number of seconds").min(1, "must be at least 1").default(900)), // feature:token-budget
    UNIAUTH_REFRESH_SHARE: text.pipe(integer("must be a number of calls").min(1, "must be at least 1").default(18)), // feature:token-budget
    UNIAUTH_KNOWN_DEVICE_SHARE: text.pipe(integer("must be a number of calls").min(1, "must be at least 1").default(6)), // feature:token-budget
    SIGNINS_PER_DEVICE: text.pipe(integer("must be a number of sign-ins").min(1, "must be at least 1").default(3)), // feature:token-budget
    SIGNINS_PER_USER: text.pipe(integer("must be a number of sign-ins").min(1, "must be at least 1").default(5)), // feature:token-budget
    SIGNIN_FAILURES_PER_ADDRESS: text.pipe(integer("must be a number of failures").min(1, "must be at least 1").default(5)), // feature:token-budget
    TRUSTED_PROXY_HOPS: text.pipe(integer("must be a number of proxies").min(0, "must be at least 0").max(10, "must be at most 10").default(0)),
    CRON_SECRET: text.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    UNIAUTH_FRONTCHANNEL_LOGOUT: text.pipe(z.stringbool({ error: "must be true or false" }).default(false)), // feature:frontchannel-logout
    STEP_UP_MAX_AGE_SECONDS: text.pipe(integer("must be a number of seconds").min(30, "must be at least 30").max(86_400, "must be at most 86400").default(600)), // feature:step-up
    // feature:step-up begin
    // Like OpenID's acr_values: space-separated, any one of them will do.
    STEP_UP_ACR: text.pipe(
      z
        .string()
        .regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, "must be acr values separated by single spaces, e.g. urn:uniauth:acr:mfa")
        .transform((value) => value.split(" "))
        .optional(),
    ),
    // feature:step-up end
    AUDIT_RETENTION_DAYS: text.pipe(integer("must be a number of days").min(1, "must be at least 1").default(90)), // feature:audit-trail
    // How long the app waits on UniAuth, and how long it holds on to what it learned. The defaults suit production;
    // the browser tests shorten them (scripts/test.ts) so they wait on outages and retries for less than a second.
    UNIAUTH_TIMEOUT_MS: milliseconds(100, 60_000, 5000),
    UNIAUTH_DOWN_AFTER_MS: milliseconds(100, 60_000, 10_000),
    UNIAUTH_CHECK_CACHE_MS: milliseconds(0, 60_000, 5000), // feature:uniauth-outage
    UNIAUTH_DISCOVERY_RETRY_MS: milliseconds(0, 3_600_000, 10_000),
  })
  .superRefine(
    (env, ctx) => {
      if (!AUTH_SECRET_KEYS.some((key) => env[key])) ctx.addIssue({ code: "custom", path: ["AUTH_SECRET"], message: "is missing" });
      if (env.ELEVATED_ROLES_MAX_AGE_SECONDS < env.ROLES_MAX_AGE_SECONDS) {
        ctx.addIssue({ code: "custom", path: ["ELEVATED_ROLES_MAX_AGE_SECONDS"], message: "must be at least ROLES_MAX_AGE_SECONDS" });
      }
      if (env.MEMBER_ROLES_MAX_AGE_SECONDS < env.ROLES_MAX_AGE_SECONDS) {
        ctx.addIssue({ code: "custom", path: ["MEMBER_ROLES_MAX_AGE_SECONDS"], message: "must be at least ROLES_MAX_AGE_SECONDS (members' roles may age longer than staff's, not less)" });
      }
      // feature:token-budget begin
      if (env.SIGNINS_PER_DEVICE > env.SIGNINS_PER_USER) {
        ctx.addIssue({ code: "custom", path: ["SIGNINS_PER_DEVICE"], message: "must be at most SIGNINS_PER_USER" });
      }
      // The open pool (browsers with no device cookie) is what the two shares leave of the limit: at least one call.
      if (env.UNIAUTH_REFRESH_SHARE + env.UNIAUTH_KNOWN_DEVICE_SHARE >= env.UNIAUTH_TOKEN_LIMIT) {
        ctx.addIssue({ code: "custom", path: ["UNIAUTH_KNOWN_DEVICE_SHARE"], message: "plus UNIAUTH_REFRESH_SHARE must be less than UNIAUTH_TOKEN_LIMIT (the rest is the open pool for new devices)" });
      }
      // feature:token-budget end
      // This runs even when UNIAUTH_ISSUER itself is invalid (reported by its own check): skip it then.
      if (!URL.canParse(env.UNIAUTH_ISSUER ?? UNIAUTH_ISSUER)) return;
      const issuer = new URL(env.UNIAUTH_ISSUER ?? UNIAUTH_ISSUER);
      const local = ["localhost", "127.0.0.1", "[::1]"].includes(issuer.hostname);
      if (env.NODE_ENV === "production" && issuer.protocol === "http:" && !local) {
        ctx.addIssue({ code: "custom", path: ["UNIAUTH_ISSUER"], message: "must be https in production" });
      }
      if (issuer.href.replace(/\/+$/, "") !== UNIAUTH_ISSUER) return;
      if (env.UNIAUTH_CLIENT_ID && !/^uni_[A-Za-z0-9]{32}$/.test(env.UNIAUTH_CLIENT_ID)) {
        ctx.addIssue({ code: "custom", path: ["UNIAUTH_CLIENT_ID"], message: "must be uni_ followed by 32 letters or digits" });
      }
      if (env.UNIAUTH_CLIENT_SECRET && !/^unis_[A-Za-z0-9]{64}$/.test(env.UNIAUTH_CLIENT_SECRET)) {
        ctx.addIssue({ code: "custom", path: ["UNIAUTH_CLIENT_SECRET"], message: "must be unis_ followed by 64 letters or digits" });
      }
    },
    // Check the credential shapes even when other keys are bad, so one run reports everything.
    { when: () => true },
  )
  .transform(({ AUTH_SECRET, AUTH_SECRET_1, AUTH_SECRET_2, AUTH_SECRET_3, ...env }) => ({
    ...env,
    /** Newest first, as Auth.js orders them: the first encrypts, all decrypt (the cookie and stored tokens). */
    AUTH_SECRETS: authSecrets({ AUTH_SECRET, AUTH_SECRET_1, AUTH_SECRET_2, AUTH_SECRET_3 }),
  }));

export type Env = z.infer<typeof schema>;

/** Auth.js reads AUTH_SECRET_1 to _3 only: a secret set as _4 would silently never decrypt anything. */
function unreadSecrets(source: Record<string, string | undefined>): string[] {
  return Object.keys(source)
    .filter((key) => /^AUTH_SECRET_\d+$/.test(key) && !(AUTH_SECRET_KEYS as readonly string[]).includes(key) && source[key]?.trim())
    .map((key) => `  - ${key} is not read by Auth.js: use AUTH_SECRET and AUTH_SECRET_1 to AUTH_SECRET_3`);
}

/** Parses an environment; throws one error naming every bad key and where to get its value. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  const unread = unreadSecrets(source);
  if (result.success && !unread.length) return result.data;
  // In the order of WHERE (the order of .env.example), whichever check found them.
  const order = (key: PropertyKey | undefined) => Object.keys(WHERE).indexOf(String(key));
  const issues = result.success ? [] : result.error.issues.toSorted((a, b) => order(a.path[0]) - order(b.path[0]));
  const lines = issues.map((issue) => {
    const key = String(issue.path[0]) as Key;
    const where = WHERE[key] ? `\n      where to get it: ${WHERE[key]}` : "";
    return `  - ${key} ${issue.message}${where}`;
  });
  lines.push(...unread);
  throw new Error(`Invalid environment (see .env.example):\n${lines.join("\n")}`);
}


/**
 * Each variable's own parser (an empty value as unset, its default, its messages), by name, for a tool that checks a
 * few variables alone: npm run auth:doctor reads a feature's settings only while the feature is installed.
 */
export const settingParsers: Readonly<Record<string, z.ZodType>> = schema.in.shape;
