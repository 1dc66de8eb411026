/**
 * Remembers, on the device, the last Clerk session Convex confirmed, so a
 * cold start on which Clerk comes up signed out can be told apart from a
 * real sign-out. Only the session id is stored.
 */
import { useCallback, useEffect, useState } from "react";

/** `localStorage`, AsyncStorage, or expo-secure-store mapped to these three names; sync or async. */
export type SessionStorage = {
  getItem: (key: string) => string | null | Promise<string | null>;
  setItem: (key: string, value: string) => void | Promise<void>;
  removeItem: (key: string) => void | Promise<void>;
};

export const REMEMBERED_SESSION_KEY = "convex-clerk-sessions:confirmed-session";

/** Storage failures must never break auth: they only lose the reminder. */
function quietly(run: () => void | Promise<void>): void {
  try {
    void Promise.resolve(run()).catch(() => undefined);
  } catch {
    // Ignored: see above.
  }
}

/**
 * @returns the remembered session id (`undefined` while storage is read,
 *   null for none or without storage), and `remember` / `forget`.
 */
export function useRememberedSession(storage: SessionStorage | undefined) {
  const [sessionId, setSessionId] = useState<string | null | undefined>(
    storage ? undefined : null,
  );
  useEffect(() => {
    if (!storage) return;
    let live = true;
    Promise.resolve()
      .then(() => storage.getItem(REMEMBERED_SESSION_KEY))
      .then(
        (value) => {
          if (live) setSessionId(value || null);
        },
        () => {
          if (live) setSessionId(null);
        },
      );
    return () => {
      live = false;
    };
  }, [storage]);

  const remember = useCallback(
    (id: string) => {
      if (!storage) return;
      setSessionId(id);
      quietly(() => storage.setItem(REMEMBERED_SESSION_KEY, id));
    },
    [storage],
  );
  const forget = useCallback(() => {
    if (!storage) return;
    setSessionId(null);
    quietly(() => storage.removeItem(REMEMBERED_SESSION_KEY));
  }, [storage]);
  return { sessionId, remember, forget };
}
