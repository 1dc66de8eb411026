import { ClerkSessions } from "../../src/client/index.js";
import { components } from "./_generated/api.js";

export const clerkSessions = new ClerkSessions(components.clerkSessions);

export const { whoami, sessionStatus } = clerkSessions.api();
