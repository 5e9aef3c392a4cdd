-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "acr" TEXT,
ADD COLUMN     "amr" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "authTime" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AuthEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "userId" TEXT,
    "actorUserId" TEXT,
    "sessionId" TEXT,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AuthEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuthEvent_at_idx" ON "AuthEvent"("at");

-- CreateIndex
CREATE INDEX "AuthEvent_kind_id_idx" ON "AuthEvent"("kind", "id");

-- CreateIndex
CREATE INDEX "AuthEvent_userId_id_idx" ON "AuthEvent"("userId", "id");

-- CreateIndex
CREATE INDEX "AuthEvent_actorUserId_id_idx" ON "AuthEvent"("actorUserId", "id");
