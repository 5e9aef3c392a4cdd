import "server-only";
import "@/lib/auth/installed";

/** The token budget, for app code: its figures for operators (/admin, health), and forgetting a user's devices. */
export { forgetDevicesOf } from "@/lib/auth/features/token-budget/devices";
export { tokenBudget } from "@/lib/auth/features/token-budget/token-budget";
