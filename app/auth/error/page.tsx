import type { Metadata } from "next";
import Link from "next/link";
import { RETRY_AFTER_SECONDS } from "@/lib/errors";
import { ConfirmItsYouButton } from "@/app/_components/confirm-its-you"; // feature:step-up
import { formatSeconds } from "@/app/_components/format";
import { describeStepUpPolicy } from "@/app/_components/format"; // feature:step-up
import { safeCallbackPath } from "@/lib/auth"; // feature:step-up
import { stepUpPolicy } from "@/lib/auth/features/step-up"; // feature:step-up
import { retryAfterOf, UNIAUTH_BUSY, UNIAUTH_UNAVAILABLE } from "@/lib/auth/routes";
import { SIGN_IN_REPLAYED, TOO_MANY_ATTEMPTS } from "@/lib/auth/routes"; // feature:token-budget

export const metadata: Metadata = { title: "Sign-in problem · UniAuth starter" };

/** `retry`: the page says when to try again (the `retryAfter` the middleware also sends as Retry-After). */
type Message = {
  title: string;
  detail: string;
  retry?: true;
  /** A refused "Confirm it's you" (lib/auth/features/step-up/step-up.ts), which never signs in the account it came back with. */ // feature:step-up
  stepUp?: true; // feature:step-up
};

const MESSAGES: Record<string, Message> = {
  EmailUnverified: {
    title: "Your email address is not verified",
    detail:
      "This app only accepts UniAuth accounts with a verified email address. Verify your email at UniAuth (follow the link in the email UniAuth sent you, or request a new one from your UniAuth profile), then sign in again.",
  },
  InvalidClaims: {
    title: "UniAuth did not send what this app needs",
    detail: "Your UniAuth account did not share an email address with this app. Allow the email permission when UniAuth asks, then sign in again.",
  },
  AccountConflict: {
    title: "This email address belongs to another account",
    detail:
      "A different UniAuth account already signed in here with this email address, so this one cannot be joined to it. If the address is yours, contact the site's operator.",
  },
  [UNIAUTH_UNAVAILABLE]: {
    title: "UniAuth cannot be reached right now",
    detail:
      "Signing in goes through UniAuth, which is not answering at the moment. Nothing was changed, and if you are already signed in elsewhere in this app, that keeps working. Please try again in a minute.",
  },
  [UNIAUTH_BUSY]: {
    retry: true,
    title: "UniAuth is busy right now",
    detail:
      "UniAuth limits how many sign-ins this app can complete in a short time, and that limit is reached. Nothing was changed, and if you are already signed in elsewhere in this app, that keeps working.",
  },
  // feature:token-budget begin
  [TOO_MANY_ATTEMPTS]: {
    retry: true,
    title: "Too many sign-in attempts",
    detail:
      "This app has seen many failed sign-ins from your network in the last few minutes, so it is pausing sign-ins from browsers it does not know yet. If you have signed in from this browser before, that still works. Nothing was changed.",
  },
  [SIGN_IN_REPLAYED]: {
    title: "This sign-in was already used",
    detail: "The link back from UniAuth can be used only once (did the browser go back, or reload it?). Nothing was changed; start a new sign-in.",
  },
  // feature:token-budget end
  // feature:step-up begin
  AnotherAccount: {
    stepUp: true,
    title: "That was a different UniAuth account",
    detail:
      "To confirm it's you, sign in at UniAuth with the account you are signed in here with. The action did not run, and this app did not sign you in as the other account. (If UniAuth signed your first account out to sign in the other, this app signs it out too.)",
  },
  AuthTimeStale: {
    stepUp: true,
    title: "UniAuth did not confirm a new sign-in",
    detail: "UniAuth answered with an earlier sign-in rather than a new one, so this could not count as confirming it's you. Nothing was changed; please try again.",
  },
  AuthTimeMissing: {
    stepUp: true,
    title: "UniAuth did not say when you signed in",
    detail: "Without that, this app cannot tell whether the sign-in was new. Nothing was changed; please try again, and contact the site's operator if it keeps happening.",
  },
  AcrNotMet: {
    stepUp: true,
    title: "That action needs a stronger sign-in",
    detail: `It needs ${describeStepUpPolicy(stepUpPolicy)}, and UniAuth confirmed you another way. Nothing was changed; confirm again and choose that way of signing in.`,
  },
  // feature:step-up end
  AccessDenied: { title: "Access denied", detail: "You cancelled the sign-in, or you are not allowed to sign in to this app." },
  Configuration: {
    title: "Sign-in is not available right now",
    detail: "The app could not complete the sign-in with UniAuth. Please try again in a minute; if it keeps happening, contact the site's operator.",
  },
};

const FALLBACK: Message = { title: "Sign-in failed", detail: "Something went wrong while signing you in. Please try again." };

export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const { error, retryAfter } = query;
  // Own keys only: `__proto__` or `constructor` must not find Object.prototype's.
  const message = (typeof error === "string" && Object.hasOwn(MESSAGES, error) && MESSAGES[error]) || FALLBACK;
  // feature:step-up begin
  // A failed step-up leaves the user signed in: they go back to the page they left, or confirm again.
  const returnTo = safeCallbackPath(query.callbackUrl, "/dashboard");
  if (message.stepUp) {
    return (
      <section className="card error" role="alert">
        <h1>{message.title}</h1>
        <p>{message.detail}</p>
        <div className="actions">
          <ConfirmItsYouButton returnTo={returnTo} />
          <Link href={returnTo}>Back</Link>
        </div>
      </section>
    );
  }
  // feature:step-up end
  return (
    <section className="card error" role="alert">
      <h1>{message.title}</h1>
      <p>{message.detail}</p>
      {message.retry && <p>Please try again in {formatSeconds(retryAfterOf(retryAfter) ?? RETRY_AFTER_SECONDS)}.</p>}
      <Link className="button" href="/signin">
        Try again
      </Link>
    </section>
  );
}
