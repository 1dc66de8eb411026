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
  vOnEventChange,
  type OnEventChangeArgs,
  type SessionChangeArgs,
  type SessionChangeType,
} from "../../shared/eventValidators.js";
import {
  MEMBERSHIP_CHANGE_TYPES,
  type MembershipChangeCause,
  type MembershipChangeType,
  type StoredMembership,
} from "../../shared/membershipValidators.js";
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

/** A stored membership that is live. */
export type ActiveMembership = StoredMembership & { status: "active" };
/** A stored membership Clerk deleted, itself or with its organization. */
export type RemovedMembership = StoredMembership & { status: "deleted" };

/**
 * A membership the store had not heard of, live: `cause` is the webhook
 * that brought it (`created`, or an `updated` that arrived first).
 */
type MembershipCreatedChange = {
  type: "membership.created";
  cause: MembershipChangeCause;
  before: null;
  after: ActiveMembership;
};

/** A live membership's role or permissions changed. */
type MembershipRoleChange = {
  type: "membership.role_changed";
  cause: MembershipChangeCause;
  before: ActiveMembership;
  after: ActiveMembership;
};

/**
 * The membership ended: deleted itself, or its organization was
 * (`cause: "organization.deleted"`). `before` is null when the end is the
 * first thing heard of it.
 */
type MembershipRemovedChange = {
  type: "membership.removed";
  cause: MembershipChangeCause;
  before: ActiveMembership | null;
  after: RemovedMembership;
};

/** A membership change reported to `onEvent`, one case per kind. */
export type MembershipChange =
  MembershipCreatedChange | MembershipRoleChange | MembershipRemovedChange;

/** Every kind of change `onEvent` hears of: sessions' and memberships'. */
export type EventChangeType = SessionChangeType | MembershipChangeType;

/** The change of one kind, session or membership. */
export type EventChangeOf<T extends EventChangeType> =
  T extends SessionChangeType
    ? SessionChangeOf<T>
    : Extract<MembershipChange, { type: T }>;

/** Any change reported to `onEvent`. */
export type EventChange = SessionChange | MembershipChange;

/** One handler per kind of change, each optional: a kind without one is ignored. */
export type SessionEventHandlers<Ctx> = {
  [T in EventChangeType]?: (
    ctx: Ctx,
    change: EventChangeOf<T>,
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

function isMembershipChangeType(type: string): type is MembershipChangeType {
  return (MEMBERSHIP_CHANGE_TYPES as readonly string[]).includes(type);
}

function isMembership(value: unknown): value is StoredMembership {
  return typeof value === "object" && value !== null && "membershipId" in value;
}

/** `toSessionChange` for memberships: the record and status each kind implies. */
function toMembershipChange(args: OnEventChangeArgs): MembershipChange {
  const { type, cause, before, after } = args;
  if (
    cause === undefined ||
    !isMembership(after) ||
    (before !== null && !isMembership(before))
  ) {
    throw new Error(`A ${type} change must carry memberships and a cause`);
  }
  const live = (m: StoredMembership | null) => m?.status === "active";
  const fits =
    type === "membership.created"
      ? before === null && live(after)
      : type === "membership.role_changed"
        ? live(before) && live(after)
        : !live(after) && (before === null || live(before));
  if (!fits) throw new Error(`A ${type} change does not fit its kind`);
  return args as MembershipChange;
}

/**
 * Narrows what `onEvent` receives to one case of its kind: a membership
 * change, or a session change (see `toSessionChange`).
 */
export function toEventChange(args: OnEventChangeArgs): EventChange {
  if (isMembershipChangeType(args.type)) return toMembershipChange(args);
  const { type, cause, before, after } = args;
  if (
    cause !== undefined ||
    isMembership(after) ||
    (before !== null && isMembership(before))
  ) {
    throw new Error(`A ${type} change must carry sessions and no cause`);
  }
  return toSessionChange({ type, before, after } as SessionChangeArgs);
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
 *   "membership.removed": async (ctx, { after, cause }) => {
 *     // after.status is "deleted"; cause says which webhook ended it
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
): RegisteredMutation<"internal", OnEventChangeArgs, Promise<null>> {
  return internalMutation({
    args: vOnEventChange,
    returns: v.null(),
    handler: async (ctx, args) => {
      const change = toEventChange(args);
      const handler = handlers[change.type] as
        | ((
            ctx: GenericMutationCtx<DataModel>,
            change: EventChange,
          ) => void | Promise<void>)
        | undefined;
      if (handler !== undefined) await handler(ctx, change);
      return null;
    },
  });
}
