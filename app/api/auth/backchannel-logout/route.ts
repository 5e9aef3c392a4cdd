import { backchannelLogout } from "@/lib/auth/routes";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Register <origin>/api/auth/backchannel-logout as the client's back-channel logout URI at UniAuth. */
export const POST = backchannelLogout;
