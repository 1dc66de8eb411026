import { cronJobs } from "convex/server";
import { internal } from "./_generated/api.js";

const crons = cronJobs();

// Prunes ended and expired sessions, in bounded batches.
crons.daily(
  "prune clerk sessions",
  { hourUTC: 4, minuteUTC: 17 },
  internal.sessions.prune,
);

export default crons;
