import type { Metadata } from "next";
import Link from "next/link";
import { UNIAUTH_UNAVAILABLE } from "@/lib/auth/paths";

export const metadata: Metadata = { title: "Sign-in problem · UniAuth starter" };

const MESSAGES: Record<string, { title: string; detail: string }> = {
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
  AccessDenied: { title: "Access denied", detail: "You cancelled the sign-in, or you are not allowed to sign in to this app." },
  Configuration: {
    title: "Sign-in is not available right now",
    detail: "The app could not complete the sign-in with UniAuth. Please try again in a minute; if it keeps happening, contact the site's operator.",
  },
};

const FALLBACK = { title: "Sign-in failed", detail: "Something went wrong while signing you in. Please try again." };

export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { error } = await searchParams;
  const message = (typeof error === "string" && MESSAGES[error]) || FALLBACK;
  return (
    <section className="card error" role="alert">
      <h1>{message.title}</h1>
      <p>{message.detail}</p>
      <Link className="button" href="/signin">
        Try again
      </Link>
    </section>
  );
}
