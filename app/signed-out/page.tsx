import type { Metadata } from "next";
import Link from "next/link";
import { uniauthSignOutConfirmed } from "@/lib/auth/routes";

export const metadata: Metadata = { title: "Signed out · UniAuth starter" };

/** Where UniAuth sends the browser back after ending its session; `state` proves it is the answer we asked for. */
export default async function SignedOutPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { state, uniauth } = await searchParams;
  const confirmed = await uniauthSignOutConfirmed(state);
  return (
    <section className="card">
      <h1>You are signed out</h1>
      {confirmed ? (
        <p role="status">You are signed out of this app and of UniAuth.</p>
      ) : (
        <p role="status">
          You are signed out of this app.{" "}
          {uniauth === "unavailable"
            ? "UniAuth could not be asked to end its session, so you may still be signed in at UniAuth."
            : "The sign-out at UniAuth could not be confirmed."}{" "}
          To end it, sign out at UniAuth itself.
        </p>
      )}
      <Link className="button" href="/signin">
        Sign in again
      </Link>
    </section>
  );
}
