"use client";

import { useActionState } from "react";
import { describeSignInMethod, formatDate } from "@/app/_components/format";
import type { SessionSummary } from "@/lib/data/sessions";
import type { ActionResult } from "@/lib/auth";
import { endOtherSessionsAction, endSessionAction } from "./actions";

/** The user's sessions, with sign-out buttons. Receives only what it shows: never a token. */
export function SessionList({ sessions }: { sessions: SessionSummary[] }) {
  const [ended, endOne, endingOne] = useActionState<ActionResult<string> | null, FormData>(endSessionAction, null);
  const [endedOthers, endOthers, endingOthers] = useActionState<ActionResult<string> | null, FormData>(endOtherSessionsAction, null);
  const result = ended ?? endedOthers;
  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Your sessions</h2>
      <table>
        <thead>
          <tr>
            <th>Device</th>
            <th>Started</th>
            <th>Signed in at UniAuth</th>
            <th>Last seen</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={session.id}>
              <td>
                {session.device}
                {session.current && <span className="tag">this device</span>}
              </td>
              <td>{formatDate(session.createdAt)}</td>
              <td>
                {session.authTime ? formatDate(session.authTime) : "—"}
                <small className="muted">
                  {describeSignInMethod(session.acr)}
                  {session.amr.length > 0 && ` (${session.amr.join(", ")})`}
                </small>
              </td>
              <td>{formatDate(session.lastSeenAt)}</td>
              <td>
                {!session.current && (
                  <form action={endOne}>
                    <input type="hidden" name="sessionId" value={session.id} />
                    <button className="button secondary" type="submit" disabled={endingOne}>
                      Sign out this session
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sessions.length > 1 && (
        <form action={endOthers}>
          <button className="button secondary" type="submit" disabled={endingOthers}>
            Sign out all other sessions
          </button>
        </form>
      )}
      {result && <p role="status">{result.ok ? result.data : result.message}</p>}
    </section>
  );
}
