-- RenameColumn: when the roles were last read from UniAuth (at sign-in, step-up or refresh); the values are kept.
ALTER TABLE "Session" RENAME COLUMN "tokensRefreshedAt" TO "rolesReadAt";

-- RenameIndex
ALTER INDEX "Session_tokensRefreshedAt_idx" RENAME TO "Session_rolesReadAt_idx";
