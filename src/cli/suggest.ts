// "Did you mean": the known word closest to a mistyped one (a command, a subcommand, an option),
// by edit distance, when it is close enough to be a typo and not another word.

/** The candidate closest to `word`, if at most a third of its letters (at least 1) differ. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const allowed = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = allowed + 1;
  const list = [...candidates];
  for (const candidate of list) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined) return best;
  // A prefix of exactly one candidate (`faxplus down` for download).
  const prefixed = list.filter((c) => word.length >= 3 && c.startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `" (did you mean X?)"`, or "" when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>, prefix = ""): string {
  const match = closest(word, candidates);
  return match === undefined ? "" : `; did you mean ${prefix}${match}?`;
}

/**
 * Damerau-Levenshtein distance (optimal string alignment: a swap of two neighbours counts 1),
 * stopping early once it exceeds `limit`.
 */
export function distance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2]! + 1);
      }
      current.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
