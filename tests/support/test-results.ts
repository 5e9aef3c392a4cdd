/** What an e2e run leaves in .local/test-results/ for its last check (tests/e2e/server-log.spec.ts). */
export const TEST_RESULTS = {
  /** Every token the tests read (decrypted from Session rows) and the cookies their browsers held, one a line. */
  seenTokens: ".local/test-results/seen-tokens.txt",
} as const;
