// Runs demo/story.ts on the in-process Convex backend (convex-test). Vite
// loads it because convex-test and the example app rely on import.meta.glob.
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
  const { playStory } = await server.ssrLoadModule("/demo/story.ts");
  await playStory((line) => process.stdout.write(`${line}\n`));
} finally {
  await server.close();
}
