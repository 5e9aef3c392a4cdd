import Link from "next/link";
import { formatDate } from "@/app/_components/format";
import { AUTH_EVENT_KINDS } from "@/lib/auth/operator";
import type { AuditEntry, AuditFilter } from "@/lib/data/audit-trail";

interface Props {
  filter: AuditFilter;
  trail: { entries: AuditEntry[]; hasMore: boolean; unknownUser: boolean };
  /** Suggestions for the user filter. */
  emails: string[];
}

const describeDetail = ({ sessionId, detail }: AuditEntry) =>
  [
    ...(sessionId ? [`session ${sessionId.slice(0, 8)}…`] : []),
    ...Object.entries(detail).map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`),
  ].join(" · ") || "—";

/** Superusers' view of the auth events (lib/data/audit-trail.ts): newest first, filterable, a page at a time. */
export function AuditTrail({ filter, trail, emails }: Props) {
  const pageLink = (page: number) =>
    `/admin?${new URLSearchParams({ ...(filter.kind && { kind: filter.kind }), ...(filter.user && { user: filter.user }), page: String(page) })}#audit-trail`;
  const filtered = !!(filter.kind || filter.user);
  return (
    <section className="card" id="audit-trail" aria-labelledby="audit-trail-heading">
      <h2 id="audit-trail-heading">Audit trail</h2>
      {/* Keyed by the filters, so a soft navigation (Clear filters, paging) shows them rather than what was typed. */}
      <form key={`${filter.kind}|${filter.user}`} className="filters" method="get" action="/admin#audit-trail">
        <div>
          <label htmlFor="audit-kind">Kind</label>
          <select id="audit-kind" name="kind" defaultValue={filter.kind ?? ""}>
            <option value="">all kinds</option>
            {AUTH_EVENT_KINDS.map((kind) => (
              <option key={kind}>{kind}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-user">User</label>
          <input id="audit-user" name="user" list="audit-user-emails" placeholder="email or user id" defaultValue={filter.user ?? ""} />
        </div>
        <datalist id="audit-user-emails">
          {emails.map((email) => (
            <option key={email} value={email} />
          ))}
        </datalist>
        <button className="button secondary" type="submit">
          Filter
        </button>
        {filtered && <Link href="/admin#audit-trail">Clear filters</Link>}
      </form>
      {trail.unknownUser ? (
        <p role="status">No user has the email {filter.user}.</p>
      ) : trail.entries.length === 0 ? (
        <p role="status">No events{filtered ? " match these filters" : " yet"}.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>User</th>
              <th>By</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {trail.entries.map((entry) => (
              <tr key={entry.id}>
                <td>{formatDate(entry.at, { seconds: true })}</td>
                <td>
                  <code>{entry.kind}</code>
                </td>
                <td>{entry.user ?? "—"}</td>
                <td>{entry.actor ?? "—"}</td>
                <td>{describeDetail(entry)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Audit trail pages">
        {filter.page > 1 && <Link href={pageLink(filter.page - 1)}>Newer</Link>}
        <span>Page {filter.page}</span>
        {trail.hasMore && <Link href={pageLink(filter.page + 1)}>Older</Link>}
      </nav>
    </section>
  );
}
