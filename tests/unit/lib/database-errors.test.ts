import { describe, expect, it } from "vitest";
import { isConnectionFailure } from "@/lib/database-errors";

const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

describe("isConnectionFailure", () => {
  it("is true for a database that could not be asked, however a layer says it", () => {
    expect(isConnectionFailure(withCode("ECONNREFUSED"))).toBe(true);
    expect(isConnectionFailure(Object.assign(new AggregateError([withCode("ECONNREFUSED")]), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isConnectionFailure(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionFailure(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isConnectionFailure(withCode("57P01", "terminating connection due to administrator command"))).toBe(true);
    expect(isConnectionFailure(withCode("08006"))).toBe(true);
    expect(isConnectionFailure(withCode("P1001", "Can't reach database server"))).toBe(true);
    expect(isConnectionFailure(withCode("57P05", "terminating connection due to idle-session timeout"))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error("Can't reach database server"), { errorCode: "P1001" }))).toBe(true);
    // Prisma's driver adapter keeps the kind on the cause.
    expect(isConnectionFailure(new Error("driver adapter error", { cause: { kind: "DatabaseNotReachable" } }))).toBe(true);
    // A raw query's (P2010) keeps the adapter's error in `meta`.
    const adapterError = new Error("DatabaseNotReachable", { cause: { kind: "DatabaseNotReachable" } });
    expect(isConnectionFailure(Object.assign(new Error("Raw query failed"), { code: "P2010", meta: { driverAdapterError: adapterError } }))).toBe(true);
  });

  it("is false for everything else: bugs, refused queries, constraint violations, non-errors", () => {
    expect(isConnectionFailure(withCode("42703", 'column "nope" does not exist'))).toBe(false);
    expect(isConnectionFailure(withCode("23505", "duplicate key value"))).toBe(false);
    expect(isConnectionFailure(withCode("P2002", "Unique constraint failed"))).toBe(false);
    expect(isConnectionFailure(Object.assign(new Error("Raw query failed"), { code: "P2010", meta: { code: "42P01" } }))).toBe(false);
    expect(isConnectionFailure(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isConnectionFailure("ECONNREFUSED")).toBe(false);
    expect(isConnectionFailure(null)).toBe(false);
  });
});
