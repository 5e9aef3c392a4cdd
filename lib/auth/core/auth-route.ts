import "server-only";
import { AUTH_ERROR_PATH } from "@/lib/auth/core/base/paths";
import { DATABASE_UNAVAILABLE, refusalPath } from "@/lib/auth/core/base/error-pages";
import { type AuthRouteHandler, type Refusal, hooks } from "@/lib/auth/core/features";
import { discover } from "@/lib/auth/core/uniauth/discovery";
import { UNIAUTH_PROVIDER_ID } from "@/lib/auth/core/uniauth/provider";
import { watchUniAuth } from "@/lib/auth/core/uniauth/fetch";
import { isConnectionFailure } from "@/lib/database-errors";
import { databaseUnavailable } from "@/lib/http/database-unavailable";
import { noStore } from "@/lib/http/no-store";

/** Why a sign-in (or step-up) must not go to UniAuth (a feature's refusal, an unreachable database), or null. */
export async function signInStartRefusal(): Promise<Refusal | null> {
  try {
    for (const signInStart of hooks("signInStart")) {
      const refused = await signInStart();
      if (refused) return refused;
    }
    return null;
  } catch (error) {
    if (isConnectionFailure(error)) return { error: DATABASE_UNAVAILABLE };
    throw error;
  }
}

/**
 * Never cached (per-user answers). A sign-in POSTed here is checked like the sign-in action once Auth.js accepted it
 * (CSRF passed: an anonymous POST costs nothing); an exchange never made goes to the outage page or a feature's page.
 */
export function authRoute(handler: AuthRouteHandler): AuthRouteHandler {
  const wrapped = hooks("authRoute").reduceRight((inner, wrap) => wrap(inner), handler);
  return async (request) => noStore(await withSignInPages(wrapped, request));
}

async function withSignInPages(handler: AuthRouteHandler, request: Parameters<AuthRouteHandler>[0]): Promise<Response> {
  const { result, calls } = await watchUniAuth(() => handler(request));
  const location = result.headers.get("location");
  const signIn = request.method === "POST" && request.nextUrl.pathname.endsWith(`/signin/${UNIAUTH_PROVIDER_ID}`);
  const refused = signIn && location && (await isAuthorizationRedirect(location)) ? await signInStartRefusal() : null;
  // Auth.js's PKCE, state and nonce cookies go with the redirect it made; this answer replaces it.
  if (refused?.error === DATABASE_UNAVAILABLE) return databaseUnavailable();
  if (refused) return new Response(null, { status: 303, headers: { Location: refusalPath(refused) } });
  if (!location || new URL(location, request.url).pathname !== AUTH_ERROR_PATH) return result;
  if (calls.databaseDown) return databaseUnavailable();
  if (!calls.refused) return result;
  return Response.redirect(new URL(refusalPath(calls.refused), location), 302);
}

/** Whether `location` is UniAuth's authorization endpoint (where Auth.js sends a sign-in it accepted). */
async function isAuthorizationRedirect(location: string): Promise<boolean> {
  try {
    const endpoint = (await discover()).authorization_endpoint;
    if (!endpoint) return false;
    const [target, authorize] = [new URL(location), new URL(endpoint)];
    return target.origin === authorize.origin && target.pathname === authorize.pathname;
  } catch {
    return false;
  }
}
