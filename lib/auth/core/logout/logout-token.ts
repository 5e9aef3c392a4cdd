import "server-only";
import { createHash } from "node:crypto";
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { discover } from "@/lib/auth/core/uniauth/discovery";
import { ID_TOKEN_ALGORITHM } from "@/lib/auth/core/uniauth/provider";
import { JWKS_TIMEOUT_MS } from "@/lib/auth/core/uniauth/timeouts";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
/** How old a logout token may be, by its `iat`, whatever its `exp` says. */
const LOGOUT_TOKEN_MAX_AGE_SECONDS = 300;
// `typ`s accepted besides none (case-insensitively): the spec's, short or as a media type, and the JWT many providers
// put on every token (typing is a SHOULD); `events` and no `nonce` keep ID tokens out (Back-Channel Logout 1.0 §2.4).
const ACCEPTED_TYPES = new Set(["logout+jwt", "application/logout+jwt", "jwt"]);
export const CLOCK_SKEW_SECONDS = 30;

const claimsSchema = z
  .object({
    iss: z.string(),
    iat: z.number(),
    exp: z.number().optional(),
    jti: z.string().min(1).optional(),
    sub: z.string().min(1, "sub must be a non-empty string").optional(),
    sid: z.string().min(1, "sid must be a non-empty string").optional(),
    events: z.record(z.string(), z.unknown()).refine((events) => isObject(events[BACKCHANNEL_LOGOUT_EVENT]), {
      message: `events must hold ${BACKCHANNEL_LOGOUT_EVENT} with an object value`,
    }),
    nonce: z.never({ error: "nonce is not allowed in a logout token" }).optional(),
  })
  .refine((claims) => claims.sub !== undefined || claims.sid !== undefined, { message: "sid or sub is required" });

export interface LogoutClaims {
  issuer: string;
  sub?: string;
  sid?: string;
  issuedAt: Date;
  /** The token's `jti`, or (only when UNIAUTH_LOGOUT_TOKEN_OPTIONAL=jti) a digest of the token itself. */
  replayKey: string;
  rememberUntil: Date;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

let jwks: { uri: string; getKey: JWTVerifyGetKey } | undefined;

// jose caches the key set and re-fetches it on an unknown `kid`, at most once a minute (cooldown), so a
// flood of tokens with made-up `kid`s cannot make the app hammer UniAuth.
function keySet(uri: string): JWTVerifyGetKey {
  if (jwks?.uri !== uri) {
    jwks = { uri, getKey: createRemoteJWKSet(new URL(uri), { cooldownDuration: 60_000, cacheMaxAge: 24 * 3600_000, timeoutDuration: JWKS_TIMEOUT_MS }) };
  }
  return jwks.getKey;
}

/** OIDC Back-Channel Logout 1.0 §2.4, §2.6, against the discovered issuer and keys (503 if the keys can't be had). */
export async function verifyLogoutToken(token: string): Promise<LogoutClaims> {
  const server = await discover().catch(() => {
    throw new AppError("service_unavailable", "UniAuth's discovery document could not be fetched");
  });
  if (!server.jwks_uri) throw new AppError("service_unavailable", "UniAuth's discovery document has no jwks_uri");
  const optional = env.UNIAUTH_LOGOUT_TOKEN_OPTIONAL;

  const { payload, protectedHeader } = await jwtVerify(token, keySet(server.jwks_uri), {
    // Pinned, not taken from discovery: a key UniAuth publishes for something else must not sign these.
    algorithms: [ID_TOKEN_ALGORITHM],
    issuer: server.issuer,
    audience: env.UNIAUTH_CLIENT_ID,
    maxTokenAge: LOGOUT_TOKEN_MAX_AGE_SECONDS,
    clockTolerance: CLOCK_SKEW_SECONDS,
    requiredClaims: ["iat", "exp", "jti"].filter((claim) => claim !== optional),
  }).catch((error: unknown) => {
    if (error instanceof errors.JOSEError && TOKEN_ERRORS.has(error.code)) invalid(error.message);
    throw new AppError("service_unavailable", "UniAuth's signing keys could not be fetched");
  });

  const typ = protectedHeader.typ;
  if (typ !== undefined && !ACCEPTED_TYPES.has(typ.toLowerCase())) invalid(`typ must be logout+jwt (or JWT, or none), not ${typ}`);
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== env.UNIAUTH_CLIENT_ID) {
    invalid("azp must be this client when there are several audiences");
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) invalid(parsed.error.issues.map((issue) => issue.message).join("; "));
  const claims = parsed.data;

  const maxAgeEnd = claims.iat + LOGOUT_TOKEN_MAX_AGE_SECONDS + CLOCK_SKEW_SECONDS;
  return {
    issuer: claims.iss,
    sub: claims.sub,
    sid: claims.sid,
    issuedAt: new Date(claims.iat * 1000),
    replayKey: claims.jti ?? `sha256:${createHash("sha256").update(token).digest("base64url")}`,
    rememberUntil: new Date(Math.max(claims.exp ?? 0, maxAgeEnd) * 1000),
  };
}

function invalid(description: string): never {
  throw new AppError("invalid_request", description);
}

// Everything wrong with the token itself is the sender's error (400); failing to get the keys is ours (503).
const TOKEN_ERRORS = new Set([
  errors.JWSInvalid.code, errors.JWTInvalid.code, errors.JWTClaimValidationFailed.code, errors.JWTExpired.code,
  errors.JOSEAlgNotAllowed.code, errors.JOSENotSupported.code, errors.JWSSignatureVerificationFailed.code,
  errors.JWKSNoMatchingKey.code, errors.JWKSMultipleMatchingKeys.code,
]);
