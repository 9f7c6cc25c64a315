/**
 * Field selectors: the grammar of `?fieldSelector=` (k8s.io/apimachinery pkg/fields), with `=`,
 * `==`, `!=`, comma for AND and backslash escapes in values, plus the per-resource check of which
 * fields may be selected on. Errors are 400 BadRequest StatusErrors worded as kube-apiserver's.
 * @module
 */
import { badRequest, quote, StatusError } from './errors.js';
import { compareGoStrings } from './go-strings.js';

/** One term of a field selector. `==` parses to `=`. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/**
 * Rewrites or rejects one `field`/`value` pair (kube's `fields.TransformFunc`). Returning two
 * empty strings drops the term; throwing rejects the selector.
 */
export type FieldTransform = (field: string, value: string) => readonly [string, string];

/** A parsed field selector: an AND of terms. */
export interface ParsedFieldSelector {
  /** The terms, in the order kube keeps them (sorted by their raw text when parsed). */
  readonly requirements: readonly FieldRequirement[];
  /** True when the selector restricts nothing. */
  readonly empty: boolean;
  /** True when every term holds; a missing field reads as `""`, as in kube. */
  matches(fields: Readonly<Record<string, string>>): boolean;
  /** The value a field must equal, if some `field=value` term pins it (e.g. `metadata.name`). */
  requiresExactMatch(field: string): string | undefined;
  /**
   * A new selector with every term passed through `fn`; terms it maps to two empty strings are
   * dropped. A StatusError from `fn` propagates; any other error becomes a 400 with its message.
   */
  transform(fn: FieldTransform): ParsedFieldSelector;
  /** The canonical string, values escaped, as `fields.Selector.String()`. */
  toString(): string;
}

/** Escapes `\`, `,` and `=` in a value with a backslash (`fields.EscapeValue`). */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * Undoes {@link escapeFieldValue} (`fields.UnescapeValue`).
 * @throws StatusError 400 for an unknown escape, a trailing `\`, or a bare `,` or `=`.
 */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let inSlash = false;
  for (const c of value) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // as kube: UnescapedRune prints the rune with %v, i.e. its number
      throw badRequest(
        `invalid field selector: unescaped character in value: ${c.codePointAt(0)!}`,
      );
    } else {
      out += c;
    }
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

function termMatches(t: FieldRequirement, fields: Readonly<Record<string, string>>): boolean {
  const actual = Object.hasOwn(fields, t.field) ? fields[t.field]! : '';
  return t.operator === '=' ? actual === t.value : actual !== t.value;
}

function termString(t: FieldRequirement): string {
  return `${t.field}${t.operator}${escapeFieldValue(t.value)}`;
}

function applyTransform(fn: FieldTransform, t: FieldRequirement): FieldRequirement | undefined {
  let field: string;
  let value: string;
  try {
    [field, value] = fn(t.field, t.value);
  } catch (err) {
    if (err instanceof StatusError) throw err;
    throw badRequest(err instanceof Error ? err.message : String(err));
  }
  if (field === '' && value === '') return undefined;
  return Object.freeze({ field, operator: t.operator, value });
}

class TermsSelector implements ParsedFieldSelector {
  readonly requirements: readonly FieldRequirement[];

  constructor(terms: readonly FieldRequirement[]) {
    this.requirements = Object.freeze([...terms]);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((t) => termMatches(t, fields));
  }

  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((t) => t.operator === '=' && t.field === field)?.value;
  }

  transform(fn: FieldTransform): ParsedFieldSelector {
    const next: FieldRequirement[] = [];
    for (const t of this.requirements) {
      const n = applyTransform(fn, t);
      if (n !== undefined) next.push(n);
    }
    return new TermsSelector(next);
  }

  toString(): string {
    return this.requirements.map(termString).join(',');
  }
}

const EVERYTHING: ParsedFieldSelector = new TermsSelector([]);

/** The selector that matches everything (`fields.Everything()`). */
export function fieldsEverything(): ParsedFieldSelector {
  return EVERYTHING;
}

/** A selector of `field=value` for each entry, in field order (`fields.SelectorFromSet`). */
export function fieldSelectorFromSet(
  set: Readonly<Record<string, string>> | undefined,
): ParsedFieldSelector {
  const entries = Object.entries(set ?? {}).sort(([a], [b]) => compareGoStrings(a, b));
  return new TermsSelector(entries.map(([field, value]) => ({ field, operator: '=', value })));
}

/** `field=value` (`fields.OneTermEqualSelector`), e.g. to watch a single object by name. */
export function oneTermEqualSelector(field: string, value: string): ParsedFieldSelector {
  return new TermsSelector([{ field, operator: '=', value }]);
}

/** `field!=value` (`fields.OneTermNotEqualSelector`). */
export function oneTermNotEqualSelector(field: string, value: string): ParsedFieldSelector {
  return new TermsSelector([{ field, operator: '!=', value }]);
}

/** Splits on commas that are not escaped; the escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

// as kube: `==` is tried before `=` so it does not leave a leading `=` on the value
const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits a term at its first operator; the field side has no escaping. */
function splitTerm(term: string): [string, (typeof TERM_OPERATORS)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * Parses a field selector string (`fields.ParseSelector`, or `fields.ParseAndTransformSelector`
 * when `transform` is given). The empty string selects everything.
 * @throws StatusError 400 BadRequest with kube-apiserver's message for a bad `?fieldSelector=`.
 */
export function parseFieldSelector(
  selector: string,
  transform?: FieldTransform,
): ParsedFieldSelector {
  const terms: FieldRequirement[] = [];
  for (const part of splitTerms(selector).sort(compareGoStrings)) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) {
      throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    }
    const [field, op, rawValue] = split;
    terms.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(rawValue) });
  }
  // as kube: parsing always runs a transform, so a term with empty field and value vanishes
  return new TermsSelector(terms).transform(transform ?? ((f, v) => [f, v]));
}

/**
 * The fields every resource supports when it declares none of its own, with kube's wording for
 * any other (`runtime.DefaultMetaV1FieldSelectorConversion`).
 */
export const defaultFieldLabelConversion: FieldTransform = (field, value) => {
  if (field === 'metadata.name' || field === 'metadata.namespace') return [field, value];
  throw badRequest(
    `${quote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
  );
};

/**
 * A transform that accepts only the given fields and renames legacy ones, rejecting the rest with
 * `field label not supported: <name>` as a resource's field-label conversion function does
 * (e.g. k8s.io/kubernetes pkg/apis/core/v1/conversion.go).
 * @param supported - the fields the resource can be selected on (include `metadata.name` etc.).
 * @param renames - legacy field names mapped to the field they stand for (e.g. `spec.host` → `spec.nodeName`).
 */
export function supportedFieldLabels(
  supported: Iterable<string>,
  renames: Readonly<Record<string, string>> = {},
): FieldTransform {
  const allowed = new Set(supported);
  return (field, value) => {
    if (allowed.has(field)) return [field, value];
    if (Object.hasOwn(renames, field)) return [renames[field]!, value];
    throw badRequest(`field label not supported: ${field}`);
  };
}
