/**
 * Clerk's own types tied to the zod schemas at the boundary, where Clerk's
 * types are right: whatever `@clerk/backend` says a session webhook or a
 * Backend API `Session` holds, the schemas accept and read alike. Where they
 * are not (the SDK lists no `session.pending`; Clerk's published end events
 * carry `latest_activity: null`, the SDK's type says absent or an object),
 * the published examples decide: tests/clerkPublished.test.ts delivers them.
 * Optional fields are compared by the required ones only: the schemas take
 * any value there and drop what is malformed (Clerk types `actor` as any
 * record).
 */
import type {
  DeletedObjectJSON,
  Session,
  SessionWebhookEvent,
  UserWebhookEvent,
} from "@clerk/backend";
import { describe, expectTypeOf, test } from "vitest";
import type * as z from "zod/mini";
import type { clerkSession } from "../src/client/clerkApi/answers.js";
import type {
  sessionEventData,
  userDeletedData,
  webhookEnvelope,
} from "../src/client/webhook/payload.js";
import { HANDLED_EVENT_TYPES } from "../src/client/webhook/payload.js";

type Needed = "id" | "user_id" | "status" | "updated_at";
/** True when every value of type `T` is one the schema input `S` takes (extra fields allowed). */
type Accepts<S, T> = [T] extends [S] ? true : false;

type SessionNeeded = "id" | "userId" | "status" | "updatedAt";

describe("webhook payloads", () => {
  test("a session event's data, as Clerk types it, is what the schema accepts", () => {
    type ClerkData = SessionWebhookEvent["data"];
    expectTypeOf<
      Accepts<Pick<z.input<typeof sessionEventData>, Needed>, ClerkData>
    >().toEqualTypeOf<true>();
    expectTypeOf<Pick<ClerkData, Needed>>().toEqualTypeOf<
      Pick<z.output<typeof sessionEventData>, Needed>
    >();
  });

  test("user.deleted's data: the published examples decide its id", () => {
    type Deleted = Extract<UserWebhookEvent, { type: "user.deleted" }>;
    // Clerk's type leaves `id` optional; without it nothing can be applied,
    // and every published user.deleted carries it, so the schema needs it.
    expectTypeOf<Deleted["data"]["id"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<
      Accepts<z.input<typeof userDeletedData>, Required<Deleted["data"]>>
    >().toEqualTypeOf<true>();
    expectTypeOf<Deleted["data"]>().toExtend<DeletedObjectJSON>();
  });

  test("the envelope: Clerk's type names are strings the schema takes", () => {
    expectTypeOf<SessionWebhookEvent["type"]>().toExtend<
      z.output<typeof webhookEnvelope>["type"]
    >();
    // Every handled session type but session.pending is one Clerk's SDK lists.
    expectTypeOf<
      Exclude<
        Extract<(typeof HANDLED_EVENT_TYPES)[number], `session.${string}`>,
        "session.pending"
      >
    >().toEqualTypeOf<SessionWebhookEvent["type"]>();
  });
});

describe("Backend API answers", () => {
  test("@clerk/backend's Session is what the answer schema accepts", () => {
    expectTypeOf<
      Accepts<Pick<z.input<typeof clerkSession>, SessionNeeded>, Session>
    >().toEqualTypeOf<true>();
    expectTypeOf<Pick<Session, SessionNeeded>>().toEqualTypeOf<
      Readonly<Pick<z.output<typeof clerkSession>, SessionNeeded>>
    >();
  });
});
