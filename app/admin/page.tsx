import type { Metadata } from "next";
import { formatDate } from "@/app/_components/format";
import { requireStaff } from "@/lib/auth/guards";
import { getRegistryOverview, listUsers } from "@/lib/data/admin";
import { endAllSessionsAction } from "./actions";

export const metadata: Metadata = { title: "Administration · UniAuth starter" };

export default async function AdminPage() {
  const { user } = await requireStaff();
  const [users, overview] = await Promise.all([listUsers(), user.isSuperuser ? getRegistryOverview() : null]);
  return (
    <>
      <section className="card">
        <h1>Administration</h1>
        <h2>All users</h2>
        <table>
          <thead>
            <tr>
              <th>Email</th>
              <th>Groups</th>
              <th>Roles</th>
              <th>Last sign-in</th>
              <th>Active sessions</th>
              {user.isSuperuser && <th />}
            </tr>
          </thead>
          <tbody>
            {users.map((row) => (
              <tr key={row.id}>
                <td>{row.email}</td>
                <td>{row.groups.join(", ") || "—"}</td>
                <td>{[row.isSuperuser && "superuser", row.isStaff && "staff"].filter(Boolean).join(", ") || "member"}</td>
                <td>{row.lastSignInAt ? formatDate(row.lastSignInAt) : "never"}</td>
                <td>{row.activeSessions}</td>
                {user.isSuperuser && (
                  <td>
                    {row.activeSessions > 0 && (
                      <form action={endAllSessionsAction}>
                        <input type="hidden" name="userId" value={row.id} />
                        <button className="button secondary" type="submit" aria-label={`End all sessions of ${row.email}`}>
                          End all sessions
                        </button>
                      </form>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {overview && (
        <section className="card" aria-labelledby="superuser-heading">
          <h2 id="superuser-heading">Superuser: session registry</h2>
          <dl>
            <dt>UniAuth issuer</dt>
            <dd>{overview.issuer}</dd>
            <dt>Client id</dt>
            <dd>{overview.clientId}</dd>
            <dt>Active sessions</dt>
            <dd>{overview.activeSessions}</dd>
            <dt>Expired rows</dt>
            <dd>{overview.expiredSessions}</dd>
          </dl>
        </section>
      )}
    </>
  );
}
