import "server-only";
import * as oauth from "oauth4webapi";
import { DISCOVERY_TIMEOUT_MS, UNIAUTH_TIMEOUT_MS } from "@/lib/auth/core/uniauth/timeouts";
import { env } from "@/lib/env";

/** UniAuth asks clients to cache discovery for about a day. */
const CACHE_MS = 24 * 60 * 60 * 1000;
/** Short (a sign-in without a cached copy is refused meanwhile), yet a down UniAuth gets a few requests a minute. */
const RETRY_MS = env.UNIAUTH_DISCOVERY_RETRY_MS;

let lastGood: { metadata: oauth.AuthorizationServer; at: number } | undefined;
let lastFailure: { error: unknown; at: number } | undefined;
let inFlight: Promise<oauth.AuthorizationServer> | undefined;

/** At most once a day. A failed re-fetch keeps the last good copy (UniAuth down must not take the app down with it). */
export function discover(): Promise<oauth.AuthorizationServer> {
  const now = Date.now();
  if (lastGood && now - lastGood.at < CACHE_MS) return Promise.resolve(lastGood.metadata);
  if (lastFailure && now - lastFailure.at < RETRY_MS) {
    return lastGood ? Promise.resolve(lastGood.metadata) : Promise.reject(lastFailure.error);
  }
  inFlight ??= fetchMetadata()
    .then(
      (metadata) => {
        lastGood = { metadata, at: Date.now() };
        lastFailure = undefined;
        return metadata;
      },
      (error: unknown) => {
        lastFailure = { error, at: Date.now() };
        if (lastGood) return lastGood.metadata;
        throw error;
      },
    )
    .finally(() => (inFlight = undefined));
  return inFlight;
}

export function discoveredAlready(): oauth.AuthorizationServer | null {
  return lastGood?.metadata ?? null;
}

/** For /api/health, as this instance last saw UniAuth: "stale" is a failed re-fetch, with the last good copy in use. */
export function discoveryStatus(): "ok" | "stale" | "unreachable" | "not yet asked" {
  if (lastFailure) return lastGood ? "stale" : "unreachable";
  return lastGood ? "ok" : "not yet asked";
}

/** The issuer exactly as UniAuth's discovery names it: the one stored on accounts and sessions. */
export async function discoveredIssuer(): Promise<string> {
  return (await discover()).issuer;
}

export function requestOptions(issuer: string, timeoutMs = UNIAUTH_TIMEOUT_MS) {
  return {
    signal: AbortSignal.timeout(timeoutMs),
    // Plain http is only ever the local stand-in (lib/env.ts refuses it otherwise in production).
    [oauth.allowInsecureRequests]: new URL(issuer).protocol === "http:",
  };
}

async function fetchMetadata(): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(env.UNIAUTH_ISSUER);
  const response = await oauth.discoveryRequest(issuer, requestOptions(env.UNIAUTH_ISSUER, DISCOVERY_TIMEOUT_MS));
  return oauth.processDiscoveryResponse(issuer, response);
}
