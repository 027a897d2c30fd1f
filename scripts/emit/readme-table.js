// README.md's table of operations (between `<!-- operations:start -->` and
// `<!-- operations:end -->`): the standalone function of each, its method and path, and the
// spec's summary.
import { operationOf } from "./names.js";

const START = "<!-- operations:start -->";
const END = "<!-- operations:end -->";

/** The table as Markdown. */
export function emitOperationsTable(doc, rules) {
  const rows = Object.values(rules).map((rule) => {
    const summary = (operationOf(doc, rule).summary ?? "").replaceAll("|", "\\|");
    return `| \`${rule.id}\` | ${rule.method} ${rule.path} | ${summary} |`;
  });
  return [
    "| function (and `fax.operations.*`) | method and path | what it does |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

/** The README with its table replaced, or undefined when it lacks the markers. */
export function withOperationsTable(readme, table) {
  const start = readme?.indexOf(START) ?? -1;
  const end = readme?.indexOf(END) ?? -1;
  if (readme === undefined || start === -1 || end < start) return undefined;
  return `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}
