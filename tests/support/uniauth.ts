import { testEnv } from "./env";

export interface UniAuthEvent {
  at: number;
  type: "authorize" | "token" | "userinfo" | "end_session" | "backchannel_logout";
  detail: Record<string, unknown>;
}

/** The local UniAuth stand-in's development hooks, as a test sees them. */
export const localUniAuth = {
  async events(since = 0): Promise<UniAuthEvent[]> {
    const response = await fetch(`${testEnv("UNIAUTH_ISSUER")}/dev/events`);
    const events = (await response.json()) as UniAuthEvent[];
    return events.filter((event) => event.at >= since);
  },
};
