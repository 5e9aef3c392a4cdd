import "server-only";
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { cookies } from "next/headers";
import type { SignInCaller } from "@/lib/auth/features/token-budget/token-budget";
import { useSecureCookies } from "@/lib/auth/core/base/secure-cookies";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { clientIp } from "@/lib/http/client-ip";

/** How long a browser stays known without signing in again (renewed at each sign-in; browsers cap cookies at 400 days). */
const DEVICE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** `__Host-` on https: Secure, Path=/, no Domain, so a sibling subdomain cannot plant one. */
export const DEVICE_COOKIE = {
  name: `${useSecureCookies ? "__Host-" : ""}uniauth.device`,
  options: { httpOnly: true, sameSite: "lax", path: "/", secure: useSecureCookies, maxAge: DEVICE_MAX_AGE_SECONDS },
} as const;

export interface KnownDevice {
  id: string;
  /** The user who last signed in from it. */
  userId: string;
}

const keys = env.AUTH_SECRETS.map((secret) => Buffer.from(hkdfSync("sha256", secret, "uniauth-starter", "known device cookie", 32)));
const mac = (key: Buffer, id: string) => createHmac("sha256", key).update(id).digest();

/**
 * The cookie's value: the device's id, signed with the newest secret. Its user is the row's, not the cookie's: the
 * cookie says nothing about who signed in (user ids are in the logs; a cookie must not match them).
 */
export function deviceCookieValue(id: string): string {
  return `${id}.${mac(keys[0]!, id).toString("base64url")}`;
}

/** The device id a cookie value names, when any configured secret signed it; null for anything else. */
export function verify(value: string | undefined): string | null {
  const [id, signature, ...rest] = value?.split(".") ?? [];
  if (!id || !signature || rest.length) return null;
  const given = Buffer.from(signature, "base64url");
  const signed = keys.some((key) => {
    const expected = mac(key, id);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return signed ? id : null;
}

/**
 * The known device this request comes from, or null: a cookie that verifies and still names a live row (an admin
 * ending all of a user's sessions deletes the rows, so a copied cookie dies with them).
 */
export async function knownDevice(): Promise<KnownDevice | null> {
  const id = verify(await deviceCookie());
  if (!id) return null;
  return db.knownDevice.findFirst({ where: { id, expiresAt: { gt: new Date() } }, select: { id: true, userId: true } });
}

/**
 * After a successful sign-in: this browser is a known device of `userId`, for another DEVICE_MAX_AGE_SECONDS. The
 * same device when the browser was already known for this user, else a new one (a shared computer changes hands).
 */
export async function rememberDevice(userId: string): Promise<void> {
  const known = await knownDevice();
  const id = known?.userId === userId ? known.id : randomBytes(18).toString("base64url");
  const expiresAt = new Date(Date.now() + DEVICE_MAX_AGE_SECONDS * 1000);
  await db.knownDevice.upsert({ where: { id }, create: { id, userId, expiresAt }, update: { lastSignInAt: new Date(), expiresAt } });
  (await cookies()).set(DEVICE_COOKIE.name, deviceCookieValue(id), DEVICE_COOKIE.options);
}

async function deviceCookie(): Promise<string | undefined> {
  try {
    return (await cookies()).get(DEVICE_COOKIE.name)?.value;
  } catch {
    // Outside a request (a script, a test): no browser, so no device.
    return undefined;
  }
}

/** Every device of the user is unknown from now on (their cookies name no row). */
export async function forgetDevicesOf(userId: string): Promise<number> {
  return (await db.knownDevice.deleteMany({ where: { userId } })).count;
}

/** Who is signing in, for the token budget: the known device the browser names, if any, and its client address. */
export async function signInCaller(): Promise<SignInCaller> {
  return { device: await knownDevice(), address: await clientIp() };
}
