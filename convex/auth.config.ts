// Clerk's Convex integration issues tokens with `aud: "convex"` and a `sid`
// claim. process.env keeps this file working on every convex version the
// package supports (^1.43), before typed env declarations existed.
export default {
  providers: [
    {
      // eslint-disable-next-line @convex-dev/no-process-env
      domain: process.env.CLERK_JWT_ISSUER_DOMAIN,
      applicationID: "convex",
    },
  ],
};
