import Link from "next/link";

export function AccessDenied() {
  return (
    <section className="card error" role="alert">
      <h1>You do not have access to this page</h1>
      <p>
        This page is for staff. Access follows your UniAuth groups (<code>staff</code> or <code>admin</code>), which
        the app re-reads at every sign-in and about every hour while you are signed in.
      </p>
      <Link href="/dashboard">Back to your dashboard</Link>
    </section>
  );
}
