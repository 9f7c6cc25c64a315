/**
 * The subset of Kubernetes JSONPath that printer columns use (k8s.io/client-go/util/jsonpath):
 * `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `..` is not supported, and filters
 * `[?(@.type=="Ready")]` with `==` and `!=` on strings and numbers. Hand-written because the
 * JSONPath libraries on npm follow the IETF dialect, whose filter syntax and results differ from
 * kube's.
 * @module
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'filter'; path: string[]; op: '==' | '!='; value: string | number | boolean };

/** A compiled JSONPath: evaluate it against an object for every value it selects. */
export interface CompiledJsonPath {
  readonly source: string;
  evaluate(root: unknown): unknown[];
}

function parseLiteral(text: string): string | number | boolean {
  const t = text.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))
    return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  const n = Number(t);
  if (t !== '' && !Number.isNaN(n)) return n;
  throw new Error(`unrecognized literal ${t}`);
}

/** Compiles `expr` (with or without the `{…}` braces kubectl uses); throws on what it cannot read. */
export function compileJsonPath(expr: string): CompiledJsonPath {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      if (s[i + 1] === '.') throw new Error(`recursive descent is not supported in ${expr}`);
      let j = i + 1;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      const name = s.slice(i + 1, j);
      if (name === '*') steps.push({ kind: 'wildcard' });
      else if (name !== '') steps.push({ kind: 'field', name });
      i = j;
    } else if (c === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) throw new Error(`unclosed [ in ${expr}`);
      let inner = s.slice(i + 1, close).trim();
      if (inner.startsWith('?(')) {
        // the filter may itself contain ']' inside quotes: find the matching ')]'
        const end = s.indexOf(')]', i);
        if (end < 0) throw new Error(`unclosed filter in ${expr}`);
        inner = s.slice(i + 3, end).trim();
        const m = /^@((?:\.[^.=!\s]+)+)\s*(==|!=)\s*(.+)$/.exec(inner);
        if (m === null) throw new Error(`unsupported filter ${inner} in ${expr}`);
        steps.push({
          kind: 'filter',
          path: m[1]!.slice(1).split('.'),
          op: m[2] as '==' | '!=',
          value: parseLiteral(m[3]!),
        });
        i = end + 2;
        continue;
      }
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1) });
      else throw new Error(`unsupported subscript [${inner}] in ${expr}`);
      i = close + 1;
    } else {
      throw new Error(`unexpected ${JSON.stringify(c)} at ${i} in ${expr}`);
    }
  }

  const get = (v: unknown, path: string[]): unknown => {
    let cur = v;
    for (const p of path) {
      if (typeof cur !== 'object' || cur === null) return undefined;
      cur = (cur as Record<string, unknown>)[p];
    }
    return cur;
  };

  return {
    source: expr,
    evaluate(root) {
      let current: unknown[] = [root];
      for (const step of steps) {
        const next: unknown[] = [];
        for (const v of current) {
          if (v === null || v === undefined) continue;
          switch (step.kind) {
            case 'field':
              if (typeof v === 'object' && !Array.isArray(v)) {
                const f = (v as Record<string, unknown>)[step.name];
                if (f !== undefined) next.push(f);
              }
              break;
            case 'index':
              if (Array.isArray(v)) {
                const item: unknown = v.at(step.index);
                if (item !== undefined) next.push(item);
              }
              break;
            case 'wildcard':
              if (Array.isArray(v)) next.push(...(v as unknown[]));
              else if (typeof v === 'object')
                next.push(...Object.values(v as Record<string, unknown>));
              break;
            case 'filter':
              if (Array.isArray(v)) {
                for (const item of v as unknown[]) {
                  const equal = get(item, step.path) === step.value;
                  if (step.op === '==' ? equal : !equal) next.push(item);
                }
              }
              break;
          }
        }
        current = next;
      }
      return current;
    },
  };
}
