/**
 * Typed `onEvent` handlers: the app writes one function per kind of change,
 * and each receives the change narrowed to its kind.
 */
import type {
  GenericDataModel,
  GenericMutationCtx,
  MutationBuilder,
  RegisteredMutation,
} from "convex/server";
import { v } from "convex/values";
import {
  SESSION_END_TYPES,
  vSessionChange,
  type SessionChangeArgs,
  type SessionChangeType,
} from "../../shared/eventValidators.js";
import {
  isTerminalStatus,
  type StoredSession,
  TERMINAL_STATUSES,
} from "../../shared/sessionValidators.js";

type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** Kinds of change after which the session has ended. */
const ENDING_TYPES: readonly SessionChangeType[] = [
  ...(Object.keys(SESSION_END_TYPES) as (keyof typeof SESSION_END_TYPES)[]),
  "user.deleted",
];

/** A stored session that has ended, whatever the reason. */
export type EndedSession = StoredSession & { status: TerminalStatus };

/** Clerk created the session, or reported it pending (a task to finish first). */
type SessionStateChange = {
  type: "session.created" | "session.pending";
  before: StoredSession | null;
  after: StoredSession;
};

/**
 * Clerk ended the session. `before` is null when the end is the first thing
 * heard of it; `after` is ended whatever the reason (a deleted user wins).
 */
type SessionEndChange = {
  type: "session.ended" | "session.removed" | "session.revoked";
  before: StoredSession | null;
  after: EndedSession;
};

/** Clerk deleted the user: one change per stored session the deletion ends. */
type UserDeletedChange = {
  type: "user.deleted";
  before: StoredSession;
  after: EndedSession;
};

/** A sync with Clerk's Backend API changed what was stored. */
type ClerkSyncChange = {
  type: "clerk.sync";
  before: StoredSession | null;
  after: StoredSession;
};

/** Distributes over the union of types, so each kind is its own case. */
type OneCasePerType<Change extends { type: string }> = Change extends unknown
  ? {
      [T in Change["type"]]: Omit<Change, "type"> & { type: T };
    }[Change["type"]]
  : never;

/**
 * A change reported to `onEvent`, one case per kind: `switch (change.type)`
 * narrows `before` and `after`.
 */
export type SessionChange = OneCasePerType<
  SessionStateChange | SessionEndChange | UserDeletedChange | ClerkSyncChange
>;

/** The case of `SessionChange` for one kind of change. */
export type SessionChangeOf<T extends SessionChangeType> = Extract<
  SessionChange,
  { type: T }
>;

/** One handler per kind of change, each optional: a kind without one is ignored. */
export type SessionEventHandlers<Ctx> = {
  [T in SessionChangeType]?: (
    ctx: Ctx,
    change: SessionChangeOf<T>,
  ) => void | Promise<void>;
};

/**
 * Checks what the validator cannot express, so a handler never sees a case
 * its type rules out; a failure here is a bug in the component.
 */
export function toSessionChange(args: SessionChangeArgs): SessionChange {
  const { type, before, after } = args;
  if (ENDING_TYPES.includes(type) && !isTerminalStatus(after.status)) {
    throw new Error(`A ${type} change must end the session`);
  }
  if (type === "user.deleted" && before === null) {
    throw new Error("A user.deleted change must have a session before it");
  }
  return args as SessionChange;
}

/**
 * Builds the app's `onEvent` internal mutation from one handler per kind of
 * change. Each handler gets the mutation's `ctx` and the change narrowed to
 * its kind; kinds without a handler are ignored.
 *
 * @example
 * // convex/sessionEvents.ts
 * export const record = defineSessionEventHandler(internalMutation, {
 *   "session.revoked": async (ctx, change) => {
 *     await ctx.db.insert("audit", { revoked: change.after.sessionId });
 *   },
 *   "user.deleted": async (ctx, { before }) => {
 *     // before is never null here
 *   },
 * });
 * // convex/sessions.ts
 * new ClerkSessions(components.clerkSessions, {
 *   onEvent: internal.sessionEvents.record,
 * });
 */
export function defineSessionEventHandler<DataModel extends GenericDataModel>(
  internalMutation: MutationBuilder<DataModel, "internal">,
  handlers: SessionEventHandlers<GenericMutationCtx<DataModel>>,
): RegisteredMutation<"internal", SessionChangeArgs, Promise<null>> {
  return internalMutation({
    args: vSessionChange,
    returns: v.null(),
    handler: async (ctx, args) => {
      const change = toSessionChange(args);
      const handler = handlers[change.type] as
        | ((
            ctx: GenericMutationCtx<DataModel>,
            change: SessionChange,
          ) => void | Promise<void>)
        | undefined;
      if (handler !== undefined) await handler(ctx, change);
      return null;
    },
  });
}
