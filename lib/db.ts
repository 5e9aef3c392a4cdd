import { PrismaPg } from "@prisma/adapter-pg";
import { attachDatabasePool } from "@vercel/functions";
import pg from "pg";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function createClient(): PrismaClient {
  // One small pool per instance. Connections idle for 5 s are closed: an instance suspended between requests
  // (Vercel's Fluid compute) would otherwise wake up holding sockets the server has dropped.
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 5, idleTimeoutMillis: 5_000, connectionTimeoutMillis: 5_000 });
  // An idle connection that breaks emits here; without a listener it would crash the process. It is replaced on next use.
  pool.on("error", (error) => console.error("An idle database connection failed:", "code" in error ? error.code : error.name));
  // On Vercel, keeps the function alive until idle connections are closed; elsewhere it does nothing.
  attachDatabasePool(pool);
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}

/** The one Prisma client. Kept on globalThis in development so hot reloads reuse its pool. */
export const db = globalForPrisma.prisma ?? createClient();

if (env.NODE_ENV === "development") globalForPrisma.prisma = db;
