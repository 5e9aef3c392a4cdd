import { installFeatures } from "@/lib/auth/core/features";
import { feature as auditTrail } from "@/lib/auth/features/audit-trail/feature";
import { feature as stepUp } from "@/lib/auth/features/step-up/feature";
import { feature as tokenBudget } from "@/lib/auth/features/token-budget/feature";
import { feature as uniauthOutage } from "@/lib/auth/features/uniauth-outage/feature";

/**
 * The optional features this app runs (docs/features.md), in the order the core calls their hooks. Every entry
 * point imports this first. `npm run feature:remove -- <name>` takes a feature out, here and everywhere else.
 */
installFeatures([tokenBudget, uniauthOutage, stepUp, auditTrail]);
