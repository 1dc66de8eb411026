import { cronJobs } from "convex/server";
import { internal } from "./_generated/api.js";

const crons = cronJobs();

// Prunes ended sessions and old svix message ids, in bounded batches.
crons.daily(
  "prune clerk sessions",
  { hourUTC: 4, minuteUTC: 17 },
  internal.sessions.prune,
);

export default crons;
