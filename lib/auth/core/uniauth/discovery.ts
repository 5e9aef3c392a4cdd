import "server-only";
import * as oauth from "oauth4webapi";
import { DISCOVERY_TIMEOUT_MS, UNIAUTH_TIMEOUT_MS } from "@/lib/auth/core/uniauth/timeouts";
import { env } from "@/lib/env";

/** UniAuth asks clients to cache discovery for about a day. */
const CACHE_MS = 24 * 60 * 60 * 1000;
/**
 * After a failed fetch, wait this long before asking UniAuth again (UNIAUTH_DISCOVERY_RETRY_MS, 10 s): short, since
 * until then a sign-in without a cached copy is refused, yet enough to spare UniAuth more than a few requests a
 * minute per instance while down.
 */
const RETRY_MS = env.UNIAUTH_DISCOVERY_RETRY_MS;

let lastGood: { metadata: oauth.AuthorizationServer; at: number } | undefined;
let lastFailure: { error: unknown; at: number } | undefined;
let inFlight: Promise<oauth.AuthorizationServer> | undefined;

/**
 * UniAuth's discovery document, fetched at most once a day. When a re-fetch fails the last good copy is
 * kept (UniAuth down must not take the app down with it), and UniAuth is asked again RETRY_MS later.
 */
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

/** The discovery document if it is already at hand, without waiting on UniAuth. */
export function discoveredAlready(): oauth.AuthorizationServer | null {
  return lastGood?.metadata ?? null;
}

/**
 * UniAuth's state as this instance last saw it, for /api/health: "ok" (a copy fetched within a day), "stale" (a
 * re-fetch failed; the last good copy is in use), "unreachable" (never fetched successfully) or "not yet asked".
 */
export function discoveryStatus(): "ok" | "stale" | "unreachable" | "not yet asked" {
  if (lastFailure) return lastGood ? "stale" : "unreachable";
  return lastGood ? "ok" : "not yet asked";
}

/** The issuer exactly as UniAuth's discovery names it: the one stored on accounts and sessions. */
export async function discoveredIssuer(): Promise<string> {
  return (await discover()).issuer;
}

/** Options for every oauth4webapi call to UniAuth: a timeout, and plain http only for a local issuer. */
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
