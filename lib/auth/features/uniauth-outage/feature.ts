import "server-only";
import { AUTH_ERROR_PATH } from "@/lib/auth/core/base/paths";
import { UNIAUTH_UNAVAILABLE, refusalPath } from "@/lib/auth/core/base/error-pages";
import type { AuthFeature } from "@/lib/auth/core/features";
import { uniauthCallsSoFar } from "@/lib/auth/core/uniauth/fetch";
import { uniauthTakesSignIns } from "@/lib/auth/features/uniauth-outage/outage";

/**
 * The UniAuth-outage page: a sign-in is checked against UniAuth before the browser is sent there (a dead UniAuth
 * would otherwise show as the browser's "This site can't be reached"), and one during which UniAuth failed to answer
 * (the code exchange, say) goes to our page instead of Auth.js's generic "Configuration" error.
 */
export const feature: AuthFeature = {
  name: "uniauth-outage",
  async signInStart() {
    return (await uniauthTakesSignIns()) ? null : { error: UNIAUTH_UNAVAILABLE };
  },
  authRoute: (handler) => async (request) => {
    const response = await handler(request);
    const location = response.headers.get("location");
    const calls = uniauthCallsSoFar();
    if (!location || !calls?.failed || calls.refused || new URL(location, request.url).pathname !== AUTH_ERROR_PATH) return response;
    return Response.redirect(new URL(refusalPath({ error: UNIAUTH_UNAVAILABLE }), location), 302);
  },
};
