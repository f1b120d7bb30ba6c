/** Durations written as Go writes them (external-dns flags and annotations). */

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Go-style duration ("500ms", "30s", "1m", "2h", also "1m30s") to milliseconds. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const parts = s.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g);
  if (!parts || parts.join('') !== s) return undefined;
  let total = 0;
  for (const p of parts) {
    const m = DURATION_RE.exec(p);
    if (!m) return undefined;
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  }
  return Math.round(total);
}
