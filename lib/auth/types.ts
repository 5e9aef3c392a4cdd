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
    /** Set when the session could not be checked (database unreachable): not the same as signed out. */
    unavailable?: true;
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    sessionId?: string;
    sessionStartedAt?: string;
    sessionExpiresAt?: string;
    user?: SessionUser;
    unavailable?: true;
  }
}
