import type { DefaultSession } from "next-auth";

/** What the app knows about the signed-in user. Never holds a token. */
export interface SessionUser {
  id: string;
  name: string | null;
  email: string;
  image: string | null;
  groups: string[];
  isStaff: boolean;
  isSuperuser: boolean;
}

declare module "next-auth" {
  interface Session {
    user: SessionUser & DefaultSession["user"];
    /** The Session row behind this browser: an opaque id, not a credential. */
    sessionId: string;
    sessionStartedAt: string;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sessionId?: string;
    sessionStartedAt?: string;
    sessionExpiresAt?: string;
    user?: SessionUser;
    /** Set by the `jwt` callback when the row could not be checked: Auth.js keeps the cookie, the app trusts nothing in it. */
    unavailable?: true;
  }
}

/** Why a stored token does not decrypt: not this app's `v1.` format, no configured secret has its key id, or not authentic. */
export type TokenDecryptionReason = "malformed" | "unknown key" | "not authentic";
