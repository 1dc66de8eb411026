// Runs a module's `main()` on the in-process Convex backend (convex-test):
//   node scripts/run-in-vite.mjs demo/story.ts
// Vite loads it because convex-test and the apps rely on import.meta.glob.
import { createServer } from "vite";

// The route logs one JSON line per delivery; the story prints its own lines.
for (const level of ["log", "warn"]) {
  const write = console[level];
  console[level] = (...args) => {
    const first = args[0];
    if (
      typeof first === "string" &&
      first.startsWith('{"event":"clerk_webhook"')
    )
      return;
    write(...args);
  };
}

const server = await createServer({
  configFile: false,
  logLevel: "error",
  appType: "custom",
  server: { middlewareMode: true, hmr: false, ws: false },
  ssr: { noExternal: ["convex-test"] },
  optimizeDeps: { noDiscovery: true, include: [] },
});

try {
  const entry = process.argv[2];
  if (!entry)
    throw new Error("usage: node scripts/run-in-vite.mjs <module.ts>");
  const { main } = await server.ssrLoadModule(`/${entry}`);
  await main();
} finally {
  await server.close();
}
