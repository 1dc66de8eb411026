import { defineSchema } from "convex/server";

// The example app keeps no tables of its own: sessions live in the component.
export default defineSchema({});
