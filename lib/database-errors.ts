// A database that cannot be reached, as each layer says it: Node's sockets, PostgreSQL's SQLSTATE (class 08, a
// shutdown or start-up in progress, an idle session timed out, too many connections), pg's own messages, and
// Prisma's codes and driver-adapter kinds.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "57P05", "53300"]);
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const PG_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/;

/**
 * Whether an error means "the database could not be asked" (so the answer is unknown), as opposed to a bug or a
 * refused query, which must surface. Follows `cause` (and a raw query's adapter error) a few levels, where wrappers
 * keep the original.
 */
export function isConnectionFailure(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, errorCode, kind, message } = current as { code?: unknown; errorCode?: unknown; kind?: unknown; message?: unknown };
    // Prisma's initialization errors keep their code in `errorCode`.
    for (const value of [code, errorCode]) {
      if (typeof value === "string" && (SOCKET_CODES.has(value) || SQLSTATES.has(value) || PRISMA_CODES.has(value) || value.startsWith("08"))) return true;
    }
    if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
    if (typeof message === "string" && PG_MESSAGES.test(message)) return true;
    // A raw query's error (P2010) keeps the driver adapter's error in `meta`, not in `cause`.
    const { cause, meta } = current as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    current = cause ?? meta?.driverAdapterError;
  }
  return false;
}

/** Whether a write lost a race for a unique key (Prisma's P2002), so running it again sees the winner's row. */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
