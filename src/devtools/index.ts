export { SessionDiagnosticsPanel } from "./SessionDiagnosticsPanel.js";
export { VERDICT_MEANINGS } from "./verdictMeanings.js";
