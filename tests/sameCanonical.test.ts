/**
 * `sameCanonical` stands in for comparing `canonical` texts in the state
 * rules: it must answer exactly what the texts would, for any value.
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { canonical, sameCanonical } from "../src/component/sessionState.js";

const leaf = fc.oneof(
  fc.constantFrom(null, undefined, 0, -0, 1, NaN, Infinity, "", "a", true),
  fc.double(),
  fc.string({ maxLength: 3 }),
  fc.boolean(),
);
const keys = fc.constantFrom("a", "b", "c", "0", "1");
const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    leaf,
    fc.dictionary(keys, tie("value"), { maxKeys: 4 }),
    fc.array(tie("value"), { maxLength: 3 }),
  ),
})).value;

/** The same keys and values inserted in another order. */
function reordered(v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([key, inner]) => [key, reordered(inner)]),
  );
}

test("sameCanonical answers as comparing canonical texts does", () => {
  fc.assert(
    fc.property(value, value, (a, b) => {
      expect(sameCanonical(a, b)).toBe(canonical(a) === canonical(b));
      expect(sameCanonical(a, reordered(a))).toBe(true);
      expect(sameCanonical(a, structuredClone(a))).toBe(true);
    }),
    { numRuns: 2_000 },
  );
});

test("a difference anywhere, a missing key or an extra one makes them differ", () => {
  const device = {
    deviceType: "desktop",
    browserName: "Chrome",
    isMobile: false,
  };
  expect(
    sameCanonical({ device }, { device: { ...device, isMobile: true } }),
  ).toBe(false);
  expect(
    sameCanonical({ device }, { device: { ...device, extra: null } }),
  ).toBe(false);
  expect(sameCanonical({ a: 1, b: null }, { a: 1 })).toBe(false);
  expect(sameCanonical({ a: undefined }, {})).toBe(false);
  expect(sameCanonical({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
  expect(sameCanonical(null, {})).toBe(false);
});
