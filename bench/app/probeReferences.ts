/**
 * References to bench/componentProbe.ts, which the bench registers inside the
 * clerkSessions component (its functions are not in the component's API).
 */
import { componentsGeneric, type FunctionReference } from "convex/server";

type ProbeMutation = FunctionReference<
  "mutation",
  "internal",
  { event: unknown; onEvent?: string },
  { result: "applied" | "duplicate" | "stale" | "ignored" }
>;

export const componentProbe = (
  componentsGeneric() as unknown as {
    clerkSessions: {
      benchProbe: {
        emptyApply: ProbeMutation;
        unvalidatedApply: ProbeMutation;
      };
    };
  }
).clerkSessions.benchProbe;
