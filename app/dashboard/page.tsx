import type { Metadata } from "next";
import { formatDate } from "@/app/_components/format";
import { requireUser } from "@/lib/auth";
import { listMySessions } from "@/lib/data/sessions";
import { SessionList } from "./sessions";

export const metadata: Metadata = { title: "Dashboard · UniAuth starter" };

export default async function DashboardPage() {
  const { user, sessionStartedAt, expires } = await requireUser();
  const sessions = await listMySessions();
  const roles = [user.isSuperuser && "superuser", user.isStaff && "staff"].filter(Boolean);
  return (
    <>
      <section className="card">
        <h1>Welcome, {user.name ?? user.email}</h1>
        <dl>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Groups</dt>
          <dd>
            {user.groups.length
              ? user.groups.map((group) => (
                  <span className="tag" key={group}>
                    {group}
                  </span>
                ))
              : "none"}
          </dd>
          <dt>Roles</dt>
          <dd>{roles.length ? roles.join(", ") : "member"}</dd>
          <dt>Session started</dt>
          <dd>
            <time dateTime={sessionStartedAt}>{formatDate(sessionStartedAt)}</time>
          </dd>
          <dt>Session expires</dt>
          <dd>
            <time dateTime={expires}>{formatDate(expires)}</time>
          </dd>
        </dl>
      </section>
      <SessionList sessions={sessions} />
    </>
  );
}
