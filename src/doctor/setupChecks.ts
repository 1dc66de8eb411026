/**
 * Checks of `convex.config.ts` (the app uses the component) and `http.ts`
 * (the webhook route is mounted), read statically (see sourceReader.ts).
 */
import { ok, problem, warning, type Finding } from "./findings.js";
import type { SourceFile } from "./appFiles.js";
import {
  callArguments,
  enclosed,
  escapeRegExp,
  importedNames,
  objectProperties,
  stringLiteral,
  stripComments,
} from "./sourceReader.js";

const COMPONENT_MODULES = [
  "convex-clerk-sessions/convex.config",
  "convex-clerk-sessions/convex.config.js",
];
const WEBHOOK_MODULES = [
  "convex-clerk-sessions/webhook",
  "convex-clerk-sessions/webhook.js",
];
export const DEFAULT_WEBHOOK_PATH = "/clerk/webhook";

/** `app.use(clerkSessions)` with the package's component imported. */
export function checkConvexConfig(
  file: SourceFile | null,
  functionsDir: string,
): Finding[] {
  const subject = file?.path ?? `${functionsDir}/convex.config.ts`;
  if (file === null) {
    return [
      problem(
        subject,
        'not found: create it with defineApp() and app.use(clerkSessions), importing clerkSessions from "convex-clerk-sessions/convex.config"',
      ),
    ];
  }
  const source = stripComments(file.source);
  const names = importedNames(source, COMPONENT_MODULES, null);
  if (names.length === 0) {
    return [
      problem(
        subject,
        'does not import the component: add import clerkSessions from "convex-clerk-sessions/convex.config" and app.use(clerkSessions)',
      ),
    ];
  }
  for (const name of names) {
    const pattern = new RegExp(`\\.use\\s*\\(\\s*${escapeRegExp(name)}\\b`);
    const match = pattern.exec(source);
    if (!match) continue;
    const args = enclosed(source, source.indexOf("(", match.index)) ?? "";
    const options = args.slice(args.indexOf(name) + name.length);
    const customName = /name\s*:\s*(["'`])([^"'`]+)\1/.exec(options)?.[2];
    return [
      ok(
        subject,
        customName
          ? `uses the component as "${customName}": pass components.${customName} to new ClerkSessions(...)`
          : `uses the component: app.use(${name})`,
      ),
    ];
  }
  return [
    problem(
      subject,
      `imports the component as ${names[0]} but never installs it: add app.use(${names[0]}) after defineApp()`,
    ),
  ];
}

export type HttpCheck = { findings: Finding[]; webhookPath: string };

/** `registerRoutes(http, clerkSessions)` from the package's webhook entry, and the path it serves. */
export function checkHttp(
  file: SourceFile | null,
  functionsDir: string,
): HttpCheck {
  const subject = file?.path ?? `${functionsDir}/http.ts`;
  const fix =
    'add registerRoutes(http, clerkSessions) (import { registerRoutes } from "convex-clerk-sessions/webhook") and export default http';
  if (file === null) {
    return {
      findings: [
        problem(subject, `not found, so no webhook reaches the store: ${fix}`),
      ],
      webhookPath: DEFAULT_WEBHOOK_PATH,
    };
  }
  const source = stripComments(file.source);
  const calls = importedNames(
    source,
    WEBHOOK_MODULES,
    "registerRoutes",
  ).flatMap((name) => callArguments(source, name));
  const call = calls[0];
  if (call === undefined) {
    return {
      findings: [problem(subject, `does not mount the webhook route: ${fix}`)],
      webhookPath: DEFAULT_WEBHOOK_PATH,
    };
  }
  const findings: Finding[] = [];
  const optionsArg = call[2]?.trim() ?? "";
  const options = optionsArg.startsWith("{")
    ? objectProperties(optionsArg.slice(1, -1))
    : new Map<string, string>();
  const pathExpression = options.get("path");
  let webhookPath = DEFAULT_WEBHOOK_PATH;
  if (pathExpression !== undefined) {
    const literal = stringLiteral(pathExpression);
    if (literal === null) {
      findings.push(
        warning(
          subject,
          "the route's path is not a plain string here, so the webhook URL below shows the default path: use the path your code computes",
        ),
      );
    } else {
      webhookPath = literal;
    }
  }
  if (!/export\s+default\b/.test(source)) {
    findings.push(
      problem(
        subject,
        "has no default export: end it with export default http, or Convex serves no routes",
      ),
    );
  }
  findings.unshift(
    ok(subject, `mounts the webhook route at POST ${webhookPath}`),
  );
  return { findings, webhookPath };
}
