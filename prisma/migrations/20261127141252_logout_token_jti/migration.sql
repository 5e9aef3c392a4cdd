-- CreateTable
CREATE TABLE "LogoutTokenJti" (
    "issuer" TEXT NOT NULL,
    "jti" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LogoutTokenJti_pkey" PRIMARY KEY ("issuer","jti")
);

-- CreateIndex
CREATE INDEX "LogoutTokenJti_expiresAt_idx" ON "LogoutTokenJti"("expiresAt");
