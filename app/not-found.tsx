import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found · UniAuth starter" };

// Next.js's built-in 404 page styles itself inline, which the Content-Security-Policy refuses.
export default function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link className="button" href="/">
        Go to the home page
      </Link>
    </section>
  );
}
