import { sessionEnded } from "@/lib/auth";

export const dynamic = "force-dynamic";

export const GET = sessionEnded;
