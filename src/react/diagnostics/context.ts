/**
 * `useSessionDiagnostics()`: the provider's recorder, read by any component
 * under it (the devtools panel, an app's own bug-report button).
 */
import {
  createContext,
  useCallback,
  useContext,
  useSyncExternalStore,
} from "react";
import type { DiagnosticsRecorder, DiagnosticsSnapshot } from "./recorder.js";
import { renderReport } from "./report.js";

export const DiagnosticsContext = createContext<DiagnosticsRecorder | null>(
  null,
);

export type SessionDiagnostics = DiagnosticsSnapshot & {
  /** The timeline as plain text, safe to log or attach: ids as labels, no token, key or claim value. */
  report: () => string;
};

/**
 * The provider's diagnostics timeline, newest last, and the latest state
 * of Clerk's client, convex's client and the server's record.
 *
 * @example
 * const { timeline, sides, report } = useSessionDiagnostics();
 * <button onClick={() => console.info(report())}>Copy diagnostics</button>
 */
export function useSessionDiagnostics(): SessionDiagnostics {
  const recorder = useContext(DiagnosticsContext);
  if (recorder === null) {
    throw new Error(
      "useSessionDiagnostics() needs a ConvexProviderWithClerkSessions above it.",
    );
  }
  const snapshot = useSyncExternalStore(
    recorder.subscribe,
    recorder.getSnapshot,
    recorder.getSnapshot,
  );
  const report = useCallback(
    () => renderReport(recorder.getSnapshot()),
    [recorder],
  );
  return { ...snapshot, report };
}
