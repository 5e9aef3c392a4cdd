import "server-only";
import "@/lib/auth/installed";

/** What operators see (/api/health, /admin): UniAuth as this instance last saw it, and the auth events. */
export { discoveryStatus as uniauthStatus } from "@/lib/auth/core/uniauth/discovery";
export { type BackchannelLogoutSupport, backchannelLogoutSupport } from "@/lib/auth/core/uniauth/capabilities";
export { AUTH_EVENT_KINDS, type AuthEventKind, recordAuthEvent } from "@/lib/auth/core/events";
