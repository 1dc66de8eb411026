/** The panel's pieces: a card per side, and the timeline as a list. */
import { useEffect, useRef, type CSSProperties, type ReactNode } from "react";
import {
  describeEntry,
  type DiagnosticsEntry,
  type EntryNames,
} from "../react/diagnostics/index.js";

export const styles = {
  panel: {
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace",
    fontSize: 12,
    color: "#1f2328",
    background: "#f6f8fa",
    border: "1px solid #d0d7de",
    borderRadius: 8,
    padding: 12,
    maxWidth: 960,
  },
  sides: { display: "flex", gap: 8, margin: "8px 0" },
  card: {
    flex: 1,
    background: "#fff",
    border: "1px solid #d0d7de",
    borderRadius: 6,
    padding: 8,
  },
  title: { fontWeight: 700, marginBottom: 4 },
  timeline: {
    maxHeight: 240,
    overflowY: "auto",
    background: "#fff",
    border: "1px solid #d0d7de",
    borderRadius: 6,
    margin: 0,
    padding: 8,
    listStyle: "none",
  },
  button: { marginRight: 8, padding: "4px 10px", cursor: "pointer" },
} satisfies Record<string, CSSProperties>;

/** On the developer's own screen the ids themselves are shown. */
export const SHOWN_IDS: EntryNames = {
  session: (id) => id ?? "no session",
  org: (id) => id ?? "no org",
};

export function SideCard(props: {
  title: string;
  side: string;
  rows: [string, ReactNode][];
}) {
  return (
    <section style={styles.card} data-side={props.side}>
      <div style={styles.title}>{props.title}</div>
      {props.rows.map(([label, value]) => (
        <div key={label}>
          {label}: <b>{value}</b>
        </div>
      ))}
    </section>
  );
}

const time = (at: number) => new Date(at).toISOString().slice(11, 23);

export function TimelineList(props: { timeline: readonly DiagnosticsEntry[] }) {
  // Newest last, so the list follows its end as entries arrive.
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [props.timeline]);
  return (
    <ol ref={list} style={styles.timeline} aria-label="timeline">
      {props.timeline.map((entry, index) => {
        const [side, text] = describeEntry(entry, SHOWN_IDS);
        return (
          <li key={index} data-kind={entry.kind}>
            {time(entry.at)} {side.padEnd(8, "\u00a0")} {text}
          </li>
        );
      })}
    </ol>
  );
}
