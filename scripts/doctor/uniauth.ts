import { z } from "zod";
import { UNIAUTH_ISSUER } from "../../lib/env-schema";
import { type CheckResult, type DoctorInput, fail, ok, reason, skip, warn } from "./check";

/** The tolerance ID tokens (oauth4webapi's default) and logout tokens (CLOCK_SKEW_SECONDS in lib/auth/core/logout/logout-token.ts) are checked with. */
export const CLOCK_TOLERANCE_SECONDS = 30;
/** Past this, the tolerance is being eaten into: worth fixing before it grows. */
export const CLOCK_WARN_SECONDS = 5;

/** What the auth kit reads from UniAuth's discovery document; the rest is not checked here. */
const discoverySchema = z.object({
  issuer: z.string(),
  jwks_uri: z.url().optional(),
  id_token_signing_alg_values_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
  end_session_endpoint: z.url().optional(),
  backchannel_logout_supported: z.boolean().optional(),
  backchannel_logout_session_supported: z.boolean().optional(),
});
type Discovery = z.infer<typeof discoverySchema>;

const jwksSchema = z.object({
  keys: z.array(z.object({ kty: z.string(), alg: z.string().optional(), use: z.string().optional(), kid: z.string().optional() })),
});

/** Where oauth4webapi looks for discovery: the issuer's path, then /.well-known/openid-configuration. */
export function discoveryUrl(issuer: string): URL {
  const url = new URL(issuer);
  url.pathname = `${url.pathname}/.well-known/openid-configuration`.replace("//", "/");
  return url;
}

/**
 * UniAuth's clock against this machine's, from a response's Date header (whole seconds, so taken as the middle of its
 * second) and the middle of the round trip. Positive: UniAuth is ahead.
 */
export function clockSkewMs(dateHeader: string | null, sentAt: number, receivedAt: number): number | null {
  const date = dateHeader ? Date.parse(dateHeader) : NaN;
  return Number.isNaN(date) ? null : date + 500 - (sentAt + receivedAt) / 2;
}

export function clockCheck(skewMs: number | null): CheckResult {
  if (skewMs === null) return skip("clock", "UniAuth's answer had no Date header");
  const seconds = Math.abs(skewMs) / 1000;
  const finding = `UniAuth's clock is ${seconds.toFixed(1)} s ${skewMs >= 0 ? "ahead of" : "behind"} this machine's`;
  if (seconds > CLOCK_TOLERANCE_SECONDS) return fail("clock", `${finding}: past the ${CLOCK_TOLERANCE_SECONDS} s ID and logout tokens are allowed (sync this machine's clock: NTP)`);
  if (seconds > CLOCK_WARN_SECONDS) return warn("clock", `${finding} (tokens allow ${CLOCK_TOLERANCE_SECONDS} s; sync it: NTP)`);
  return ok("clock", finding);
}

/** The checks of the discovery document's content, one line each. */
export function discoveryChecks(configured: string, discovery: Discovery): CheckResult[] {
  const has = (list: string[] | undefined, value: string) => list?.includes(value) ?? false;
  const listed = (list: string[] | undefined) => (list?.length ? list.join(", ") : "none");
  return [
    discovery.issuer === configured
      ? ok("issuer", `discovery names ${discovery.issuer}, as UNIAUTH_ISSUER does`)
      : fail("issuer", `discovery names "${discovery.issuer}", UNIAUTH_ISSUER is "${configured}": they must be identical, trailing slash included`),
    has(discovery.id_token_signing_alg_values_supported, "RS256")
      ? ok("id-token-alg", "RS256 among id_token_signing_alg_values_supported")
      : fail("id-token-alg", `RS256 not among id_token_signing_alg_values_supported (${listed(discovery.id_token_signing_alg_values_supported)}): the app accepts RS256 only`),
    has(discovery.code_challenge_methods_supported, "S256")
      ? ok("pkce", "S256 among code_challenge_methods_supported")
      : fail("pkce", `S256 not among code_challenge_methods_supported (${listed(discovery.code_challenge_methods_supported)}): every sign-in uses PKCE S256`),
    discovery.end_session_endpoint
      ? ok("end-session", `end_session_endpoint ${discovery.end_session_endpoint}`)
      : fail("end-session", "no end_session_endpoint: signing out cannot end the UniAuth session"),
    discovery.backchannel_logout_supported === true
      ? ok("backchannel-logout", "backchannel_logout_supported: true")
      : fail("backchannel-logout", "backchannel_logout_supported is not true: a logout at UniAuth will not end sessions here (docs/other-providers.md)"),
    discovery.backchannel_logout_supported !== true
      ? skip("backchannel-sid", "no back-channel logout")
      : discovery.backchannel_logout_session_supported === true
        ? ok("backchannel-sid", "backchannel_logout_session_supported: true (ID tokens carry sid)")
        : warn("backchannel-sid", "backchannel_logout_session_supported is not true: ID tokens may lack sid, so a logout ends all of the user's sessions, not one"),
  ];
}

const DISCOVERY_CHECKS = ["issuer", "id-token-alg", "pkce", "end-session", "backchannel-logout", "backchannel-sid", "jwks"];

async function jwksCheck(jwksUri: string | undefined, timeoutMs: number): Promise<CheckResult> {
  if (!jwksUri) return fail("jwks", "discovery has no jwks_uri");
  try {
    const response = await fetch(jwksUri, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    if (!response.ok) return fail("jwks", `${jwksUri} answered ${response.status}`);
    const parsed = jwksSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) return fail("jwks", `${jwksUri} is not a JWK set`);
    const { keys } = parsed.data;
    const rs256 = keys.filter((key) => key.kty === "RSA" && (key.alg ?? "RS256") === "RS256" && (key.use ?? "sig") === "sig");
    if (!rs256.length) return fail("jwks", `no RSA signing key for RS256 among its ${keys.length} keys`);
    return ok("jwks", `${keys.length} keys, ${rs256.length} for RS256 (kid ${rs256.map((key) => key.kid ?? "none").join(", ")})`);
  } catch (error) {
    return fail("jwks", `${jwksUri}: ${reason(error)}`);
  }
}

/**
 * UniAuth as the app will meet it: discovery (fetched as the app fetches it), its content, the JWKS, and the clock from
 * discovery's Date header. No other call: nothing at the authorization or token endpoints, which count against
 * UniAuth's per-IP limits.
 */
export async function uniauthChecks({ env, timeoutMs = 10_000 }: DoctorInput): Promise<CheckResult[]> {
  const configured = env.UNIAUTH_ISSUER?.trim() || UNIAUTH_ISSUER;
  const skipped = (why: string) => DISCOVERY_CHECKS.map((name) => skip(name, why));
  if (!URL.canParse(configured)) return [fail("discovery", "UNIAUTH_ISSUER is not a URL"), ...skipped("no discovery document"), skip("clock", "no answer from UniAuth")];
  const url = discoveryUrl(configured);
  const sentAt = Date.now();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual", headers: { accept: "application/json" } });
  } catch (error) {
    return [fail("discovery", `${url.href}: ${reason(error)}`), ...skipped("no discovery document"), skip("clock", "no answer from UniAuth")];
  }
  const clock = clockCheck(clockSkewMs(response.headers.get("date"), sentAt, Date.now()));
  if (response.status !== 200) return [fail("discovery", `${url.href} answered ${response.status}`), ...skipped("no discovery document"), clock];
  const parsed = discoverySchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join(".") || "the body"))].join(", ");
    return [fail("discovery", `${url.href} is not a discovery document (${fields})`), ...skipped("no valid discovery document"), clock];
  }
  return [ok("discovery", url.href), ...discoveryChecks(configured, parsed.data), await jwksCheck(parsed.data.jwks_uri, timeoutMs), clock];
}

/**
 * The back-channel logout URI as UniAuth would reach it: from here, over the public URL. The receiver takes POSTs only,
 * so a GET that reaches it gets 405; a 401 or 403 is something in front of it (Vercel's Deployment Protection) that
 * would refuse UniAuth's logout tokens too. Sends no logout token.
 */
export async function backchannelUriCheck({ env, production, timeoutMs = 10_000 }: DoctorInput): Promise<CheckResult> {
  const authUrl = env.AUTH_URL?.trim();
  if (!authUrl || !URL.canParse(authUrl)) return skip("backchannel-uri", "no AUTH_URL: the public URL is not known here");
  const uri = new URL("/api/auth/backchannel-logout", authUrl).href;
  try {
    const response = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    if (response.status === 405 || response.status === 400) return ok("backchannel-uri", `${uri} reaches the receiver`);
    if (response.status === 401 || response.status === 403) {
      return fail("backchannel-uri", `${uri} answered ${response.status}: something in front of it (Deployment Protection?) would refuse UniAuth's logout tokens`);
    }
    if (response.status >= 300 && response.status < 400) return fail("backchannel-uri", `${uri} redirects (${response.status}): UniAuth's POST would not reach the receiver`);
    if (response.status === 404) return fail("backchannel-uri", `${uri} answered 404: no receiver there`);
    return warn("backchannel-uri", `${uri} answered ${response.status}`);
  } catch (error) {
    return warn("backchannel-uri", `${uri}: ${reason(error)}${production ? " (not deployed yet, or not reachable from here)" : " (is the app running?)"}`);
  }
}
