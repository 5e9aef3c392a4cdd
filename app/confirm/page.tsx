import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmItsYouButton } from "@/app/_components/confirm-its-you";
import { describeSignInMethod, describeStepUpPolicy, formatDate } from "@/app/_components/format";
import { safeCallbackPath } from "@/lib/auth";
import { getMyStepUpStatus } from "@/lib/data/sessions";

export const metadata: Metadata = { title: "Confirm it's you · UniAuth starter" };

/** Where a sensitive action sends a user whose last UniAuth sign-in is too old (or not strong enough). */
export default async function ConfirmPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const callbackUrl = safeCallbackPath((await searchParams).callbackUrl, "/dashboard");
  const { authTime, acr, recentUntil, policy } = await getMyStepUpStatus();
  if (recentUntil) {
    return (
      <section className="card" role="status">
        <h1>You have confirmed it&apos;s you</h1>
        <p>Sensitive actions are allowed until {formatDate(recentUntil)}.</p>
        <Link className="button" href={callbackUrl}>
          Continue
        </Link>
      </section>
    );
  }
  return (
    <section className="card">
      <h1>Confirm it&apos;s you</h1>
      <p>That action is sensitive: it needs {describeStepUpPolicy(policy)}.</p>
      <p className="lead">
        {authTime
          ? `You last signed in to UniAuth on ${formatDate(authTime)}${acr ? `, with ${describeSignInMethod(acr)}` : ""}.`
          : "UniAuth has not said when you last signed in."}{" "}
        You will be sent to UniAuth to sign in again, then brought back.
      </p>
      <div className="actions">
        <ConfirmItsYouButton returnTo={callbackUrl} />
        <Link href={callbackUrl}>Cancel</Link>
      </div>
    </section>
  );
}
