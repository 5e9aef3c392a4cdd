-- AlterTable: the back-off after a failed refresh gets its own column; refreshLeaseUntil is the refresh lease only.
-- A back-off already written to refreshLeaseUntil is left there: it acts as a lease until it runs out (an hour at
-- most), whereas moving it could take away a lease a refresh holds right now.
ALTER TABLE "Session" ADD COLUMN     "refreshRetryAt" TIMESTAMP(3);
