import { handlers } from "@/lib/auth/routes";

export const { GET, POST } = handlers;
