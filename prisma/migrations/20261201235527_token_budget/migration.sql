-- CreateTable
CREATE TABLE "RateEvent" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RateEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RatePause" (
    "key" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RatePause_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "UsedSignInState" (
    "stateHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UsedSignInState_pkey" PRIMARY KEY ("stateHash")
);

-- CreateIndex
CREATE INDEX "RateEvent_key_at_idx" ON "RateEvent"("key", "at");

-- CreateIndex
CREATE INDEX "UsedSignInState_expiresAt_idx" ON "UsedSignInState"("expiresAt");

-- CreateIndex
CREATE INDEX "Session_tokensRefreshedAt_idx" ON "Session"("tokensRefreshedAt");
