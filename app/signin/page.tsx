import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { auth, safeCallbackPath, signInWithUniAuth } from "@/lib/auth";
import { RefreshLayout } from "./refresh-layout";

export const metadata: Metadata = { title: "Sign in · UniAuth starter" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl, "/dashboard");
  const session = await auth();
  if (session) redirect(callbackUrl);
  return (
    <section className="card">
      <h1>Sign in</h1>
      {params.reason === "session-ended" && (
        <>
          <p role="status">Your session has ended: you signed out elsewhere, or it expired. Sign in again to continue.</p>
          <RefreshLayout />
        </>
      )}
      <p className="lead">You will be sent to UniAuth to sign in, then brought back here.</p>
      <form action={signInWithUniAuth}>
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <button className="button" type="submit">
          Sign in with UniAuth
        </button>
      </form>
    </section>
  );
}
