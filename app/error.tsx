"use client";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="card error" role="alert">
      <h1>Something went wrong</h1>
      <p>The page could not be loaded. If the app cannot reach its database, this clears up by itself: try again in a minute.</p>
      <button className="button" type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
