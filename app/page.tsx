import Link from "next/link";
import { getSessionState } from "@/lib/auth";

export default async function HomePage() {
  // One of the few pages that says "can't tell right now" rather than treating an outage as signed out.
  const state = await getSessionState();
  return (
    <section className="card">
      <h1>Sign in with UniAuth</h1>
      <p className="lead">
        A Next.js starter with OpenID Connect (PKCE, state, nonce), verified emails only, roles from UniAuth
        groups and sessions UniAuth can end.
      </p>
      {state.status === "signed-in" ? (
        <p>
          You are signed in as <strong>{state.session.user.name ?? state.session.user.email}</strong>.{" "}
          <Link href="/dashboard">Go to your dashboard</Link>.
        </p>
      ) : state.status === "unavailable" ? (
        <p role="status">The app cannot check your session right now (its database is unreachable). Try again in a minute.</p>
      ) : (
        <Link className="button" href="/signin">
          Sign in with UniAuth
        </Link>
      )}
    </section>
  );
}
