// Clerk's Convex integration issues tokens with `aud: "convex"` and a `sid`
// claim. Convex provides process.env; declaring it here lets this file
// typecheck without @types/node, on every convex version the package
// supports (^1.43).
declare const process: { env: Record<string, string | undefined> };

export default {
  providers: [
    {
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN,
      applicationID: "convex",
    },
  ],
};
