import { frontchannelLogout } from "@/lib/auth/features/frontchannel-logout";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Register <origin>/api/auth/frontchannel-logout, and set UNIAUTH_FRONTCHANNEL_LOGOUT=true, to accept it. */
export const GET = frontchannelLogout;
