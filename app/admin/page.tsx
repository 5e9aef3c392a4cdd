import type { Metadata } from "next";
import { Fragment } from "react"; // feature:token-budget
import { ConfirmItsYouButton } from "@/app/_components/confirm-its-you"; // feature:step-up
import { formatDate } from "@/app/_components/format";
import { describeStepUpPolicy } from "@/app/_components/format"; // feature:step-up
import { formatSeconds } from "@/app/_components/format"; // feature:token-budget
import { requireStaff } from "@/lib/auth";
import { getRegistryOverview, listUsers } from "@/lib/data/admin";
import { auditFilterSchema, listAuthEvents } from "@/lib/data/audit-trail"; // feature:audit-trail
import { getMyStepUpStatus } from "@/lib/data/sessions"; // feature:step-up
import { endAllSessionsAction } from "./actions";
import { AuditTrail } from "./audit-trail"; // feature:audit-trail

export const metadata: Metadata = { title: "Administration · UniAuth starter" };

// feature:token-budget begin
const SHARES = [
  ["refresh", "Role refreshes"],
  ["knownDevice", "Sign-ins from known devices"],
  ["openPool", "Open pool (new devices)"],
] as const;
const KINDS = [
  ["elevated", "Staff and superusers"],
  ["member", "Members"],
] as const;
// feature:token-budget end

export default async function AdminPage(
  { searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }, // feature:audit-trail
) {
  const { user } = await requireStaff();
  const superuser = user.isSuperuser;
  const filter = auditFilterSchema.parse(await searchParams); // feature:audit-trail
  const [
    users,
    overview,
    trail, // feature:audit-trail
    stepUp, // feature:step-up
  ] = await Promise.all([
    listUsers(),
    superuser ? getRegistryOverview() : null,
    superuser ? listAuthEvents(filter) : null, // feature:audit-trail
    superuser ? getMyStepUpStatus() : null, // feature:step-up
  ]);
  return (
    <>
      <section className="card">
        <h1>Administration</h1>
        <h2>All users</h2>
        {/* feature:step-up begin */}
        <StepUpNotice stepUp={stepUp} />
        {/* feature:step-up end */}
        <table>
          <thead>
            <tr>
              <th>Email</th>
              <th>Groups</th>
              <th>Roles</th>
              <th>Last sign-in</th>
              <th>Active sessions</th>
              {superuser && <th />}
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
                {superuser && (
                  <td>
                    {row.endable && (
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
          {/* feature:token-budget begin */}
          <h3>UniAuth token budget</h3>
          <dl>
            <dt>Token calls in the last {formatSeconds(overview.budget.windowSeconds)}</dt>
            <dd>
              {overview.budget.used} of {overview.budget.limit}
              {overview.budget.pausedForSeconds > 0 && `, paused by UniAuth for ${formatSeconds(overview.budget.pausedForSeconds)}`}
            </dd>
            {SHARES.map(([share, label]) => (
              <Fragment key={share}>
                <dt>{label}</dt>
                <dd>
                  {overview.budget.shares[share].used} of {overview.budget.shares[share].size}
                </dd>
              </Fragment>
            ))}
          </dl>
          <h3>Roles kept fresh</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Sessions</th>
                <th scope="col">In use now</th>
                <th scope="col">The refresh share can keep fresh</th>
                <th scope="col">Role age</th>
                <th scope="col">Oldest roles</th>
              </tr>
            </thead>
            <tbody>
              {KINDS.map(([kind, label]) => {
                const sessions = overview.budget.sessions[kind];
                return (
                  <tr key={kind}>
                    <th scope="row">{label}</th>
                    <td>{sessions.inUse}</td>
                    <td>{sessions.capacity}</td>
                    <td>{formatSeconds(sessions.roleAgeSeconds)}</td>
                    <td>{sessions.oldestRoleAgeSeconds === null ? "none in use" : `read ${formatSeconds(sessions.oldestRoleAgeSeconds)} ago`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {/* feature:token-budget end */}
        </section>
      )}
      {/* feature:audit-trail begin */}
      {trail && <AuditTrail filter={filter} trail={trail} emails={users.map((row) => row.email)} />}
      {/* feature:audit-trail end */}
    </>
  );
}

// feature:step-up begin
/** Superusers: whether their last UniAuth sign-in allows ending sessions now, and if not, the way to confirm it's them. */
function StepUpNotice({ stepUp }: { stepUp: Awaited<ReturnType<typeof getMyStepUpStatus>> | null }) {
  if (!stepUp) return null;
  return stepUp.recentUntil ? (
    <p className="lead" role="status">
      You have confirmed it&apos;s you: ending sessions is allowed until {formatDate(stepUp.recentUntil)}.
    </p>
  ) : (
    <div className="notice">
      <p>Ending a user&apos;s sessions is sensitive: it needs {describeStepUpPolicy(stepUp.policy)}.</p>
      <ConfirmItsYouButton returnTo="/admin" />
    </div>
  );
}
// feature:step-up end
