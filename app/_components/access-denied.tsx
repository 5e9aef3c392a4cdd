import Link from "next/link";

export function AccessDenied() {
  return (
    <section className="card error" role="alert">
      <h1>You do not have access to this page</h1>
      <p>
        This page is for staff. Access follows your UniAuth groups (<code>staff</code> or <code>admin</code>) as of your
        latest sign-in: if your groups changed at UniAuth, sign out and sign in again.
      </p>
      <Link href="/dashboard">Back to your dashboard</Link>
    </section>
  );
}
