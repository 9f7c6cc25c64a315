/**
 * Go's `time.ParseDuration`, for the `timeout` query parameter (`30s`, `1m30s`, `1.5h`, `250ms`).
 * @module
 */

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration into milliseconds. Throws an Error worded as Go's
 * (`time: invalid duration "x"`, `time: missing unit in duration "1"`, `time: unknown unit "d" in duration "1d"`).
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  const part = /^(\d*)(?:\.(\d*))?([^\d.]*)/;
  while (s !== '') {
    const m = part.exec(s);
    if (m === null) throw new Error(`time: invalid duration ${quoted}`);
    const [whole, int = '', frac, unit = ''] = m;
    if (int === '' && (frac === undefined || frac === '')) {
      throw new Error(`time: invalid duration ${quoted}`);
    }
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const scale = unitMs[unit];
    if (scale === undefined) {
      throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    }
    total += Number(`${int === '' ? '0' : int}.${frac ?? ''}0`) * scale;
    s = s.slice(whole.length);
  }
  if (!Number.isFinite(total)) throw new Error(`time: invalid duration ${quoted}`);
  return sign * total;
}

/** Formats milliseconds as Go prints a Duration (`1m0s`, `30s`, `1.5s`, `250ms`). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (Math.abs(ms) < 1000) return `${+ms.toFixed(6)}ms`;
  let rest = ms / 1000;
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  rest -= m * 60;
  const sec = `${+rest.toFixed(9)}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}
