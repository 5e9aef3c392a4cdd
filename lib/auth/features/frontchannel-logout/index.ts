import "server-only";
import "@/lib/auth/installed";

/** Front-channel logout, for its route (app/api/auth/frontchannel-logout): off unless UNIAUTH_FRONTCHANNEL_LOGOUT=true. */
export { frontchannelLogout } from "@/lib/auth/features/frontchannel-logout/receiver";
