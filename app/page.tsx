import Link from "next/link";
import { auth } from "@/lib/auth";

export default async function HomePage() {
  const user = (await auth())?.user;
  return (
    <section className="card">
      <h1>Sign in with UniAuth</h1>
      <p className="lead">
        A Next.js starter with OpenID Connect (PKCE, state, nonce), verified emails only, roles from UniAuth
        groups and sessions UniAuth can end.
      </p>
      {user ? (
        <p>
          You are signed in as <strong>{user.name ?? user.email}</strong>. <Link href="/dashboard">Go to your dashboard</Link>.
        </p>
      ) : (
        <Link className="button" href="/signin">
          Sign in with UniAuth
        </Link>
      )}
    </section>
  );
}
