import { PrismaPg } from "@prisma/adapter-pg";
import { attachDatabasePool } from "@vercel/functions";
import pg from "pg";
import { env } from "@/lib/env";
import { PrismaClient } from "@/lib/generated/prisma/client";

const globalForDb = globalThis as unknown as { db?: { pool: pg.Pool; prisma: PrismaClient } };

function connect() {
  // One small pool per instance. Connections idle for 5 s are closed: an instance suspended between requests
  // (Vercel's Fluid compute) would otherwise wake up holding sockets the server has dropped.
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 5, idleTimeoutMillis: 5_000, connectionTimeoutMillis: 5_000 });
  // An idle connection that breaks emits here; without a listener it would crash the process. It is replaced on next use.
  pool.on("error", (error) => console.error("An idle database connection failed:", "code" in error ? error.code : error.name));
  // On Vercel, keeps the function alive until idle connections are closed; elsewhere it does nothing.
  attachDatabasePool(pool);
  return { pool, prisma: new PrismaClient({ adapter: new PrismaPg(pool) }) };
}

// Kept on globalThis in development so hot reloads reuse the pool.
const connection = globalForDb.db ?? connect();
if (env.NODE_ENV === "development") globalForDb.db = connection;

/** The one Prisma client. */
export const db = connection.prisma;

/** Its pool, for the one query every signed-in request makes (lib/auth/core/session/store.ts); everything else uses `db`. */
export const pool = connection.pool;
