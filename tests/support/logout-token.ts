import { randomUUID } from "node:crypto";
import { type JWK, type JWTHeaderParameters, type JWTPayload, SignJWT, importJWK } from "jose";
import { testEnv } from "./env";

export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** The local UniAuth's private keys: `rsa` signs its tokens, `ec` is published but signs nothing. */
export function uniauthKeys(): { rsa: JWK; ec: JWK } {
  return JSON.parse(testEnv("UNIAUTH_TEST_KEYS"));
}

/** A valid logout token's claims, as UniAuth would send them; override or delete (undefined) any. */
export function logoutClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: testEnv("UNIAUTH_ISSUER"),
    aud: testEnv("UNIAUTH_CLIENT_ID"),
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...overrides,
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
}

/** Signs claims as a logout token (RS256 with UniAuth's key, `typ: logout+jwt` unless told otherwise). */
export async function mintLogoutToken(
  claims: JWTPayload,
  { key = uniauthKeys().rsa, header = {} }: { key?: JWK; header?: Partial<JWTHeaderParameters> } = {},
): Promise<string> {
  const alg = header.alg ?? key.alg ?? "RS256";
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: key.kid, typ: "logout+jwt", ...header })
    .sign(await importJWK(key, alg));
}
