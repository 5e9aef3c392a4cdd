import type { Metadata } from "next";
import { AccessDenied } from "@/app/_components/access-denied";
import { continueWithCurrentRoles, requireUser, safeCallbackPath } from "@/lib/auth";

export const metadata: Metadata = { title: "No access · UniAuth starter" };

/**
 * Where middleware sends a signed-in visitor whose cookie lacks the role for a page (it answers 403: see lib/auth/edge.ts).
 * If the database says they have it now (granted at UniAuth since the cookie was issued), offer to continue.
 */
export default async function ForbiddenPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const from = safeCallbackPath((await searchParams).from, "/dashboard");
  const { user } = await requireUser();
  if (!user.isStaff) return <AccessDenied />;
  return (
    <section className="card" role="status">
      <h1>Your access has changed</h1>
      <p>UniAuth has given you staff access since you signed in.</p>
      <form action={continueWithCurrentRoles}>
        <input type="hidden" name="from" value={from} />
        <button className="button" type="submit">
          Continue
        </button>
      </form>
    </section>
  );
}
