export {
  DiagnosticsContext,
  useSessionDiagnostics,
  type SessionDiagnostics,
} from "./context.js";
export type {
  ClerkSide,
  ConvexSide,
  DiagnosticsEntry,
  DiagnosticsKind,
  DiagnosticsSides,
  RecoverySide,
  ServerSide,
} from "./entries.js";
export {
  DEFAULT_TIMELINE_LIMIT,
  DiagnosticsRecorder,
  type DiagnosticsSnapshot,
} from "./recorder.js";
export { describeEntry, renderReport, type EntryNames } from "./report.js";
