/**
 * Label selectors: the string grammar of `?labelSelector=` (k8s.io/apimachinery pkg/labels), its
 * canonical form, matching, and conversion to and from the structured meta/v1 `LabelSelector`.
 * Errors are 400 BadRequest StatusErrors worded as kube-apiserver words them.
 * @module
 */
import { badRequest, fieldError, fieldErrorString, quote, type FieldError } from './errors.js';
import { compareGoStrings, utf8Length } from './go-strings.js';
import type { LabelSelector, LabelSelectorRequirement } from './meta/types.js';

/**
 * The operator of a label requirement, spelled as kube's `selection.Operator` values
 * (`gt`/`lt` are written `>`/`<` in selector strings).
 */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'gt' | 'lt' | 'exists' | '!';

/** One term of a label selector: a key, an operator and the values it compares against. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Empty for `exists` and `!`; exactly one for `=`, `==`, `!=`, `gt` and `lt`. */
  readonly values: readonly string[];
}

/** A parsed label selector: an AND of requirements, kept sorted by key. */
export interface ParsedLabelSelector {
  /** The requirements, sorted by key. */
  readonly requirements: readonly LabelRequirement[];
  /** True when the selector restricts nothing (it matches every label set). */
  readonly empty: boolean;
  /** False only for {@link labelsNothing}, which selects no object at all. */
  readonly selectable: boolean;
  /** True when every requirement holds for the given labels (absent labels count as none). */
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** The value a label must have if the selector pins it to one (`k=v`, `k==v`, `k in (v)`). */
  requiresExactMatch(label: string): string | undefined;
  /** A new selector with the given requirements added (re-sorted by key). */
  add(...requirements: LabelRequirement[]): ParsedLabelSelector;
  /** The canonical string: requirements sorted by key, set values sorted, as `labels.Selector.String()`. */
  toString(): string;
}

// as kube: k8s.io/apimachinery pkg/labels/selector.go validRequirementOperators
const ALL_OPERATORS: readonly LabelOperator[] = [
  'in',
  'notin',
  '=',
  '==',
  '!=',
  'gt',
  'lt',
  'exists',
  '!',
];
const BINARY_OPERATORS = ALL_OPERATORS.slice(0, 7);

// ---------------------------------------------------------------------------------------------
// Validation of keys and values (k8s.io/apimachinery pkg/api/validate/content/kube.go, dns.go).
// Private: the public validation module lives in validation.ts.

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_KEY_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const LABEL_MAX_LENGTH = 63;
const SUBDOMAIN_MAX_LENGTH = 253;

/** kube's `RegexError`: the message, examples and the regex, in kube's exact punctuation. */
function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${re}')`;
}

function maxLenError(n: number): string {
  return `must be no more than ${n} bytes`;
}

function subdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

/** kube's `IsLabelKey` (a qualified name with an optional DNS subdomain prefix). */
function labelKeyErrors(value: string): string[] {
  const parts = value.split('/');
  const errs: string[] = [];
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...subdomainErrors(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (utf8Length(name) > LABEL_MAX_LENGTH)
    errs.push(`name part ${maxLenError(LABEL_MAX_LENGTH)}`);
  if (!LABEL_KEY_RE.test(name)) {
    errs.push(
      `name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return errs;
}

/** kube's `IsLabelValue`. */
function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > LABEL_MAX_LENGTH) errs.push(maxLenError(LABEL_MAX_LENGTH));
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** A field path child, as `field.Path.Child` on a possibly nil path. */
function childPath(path: string | undefined, name: string): string {
  return path === undefined ? name : `${path}.${name}`;
}

/** Go's aggregate error text: duplicates dropped, one alone, several as `[a, b]`. */
function aggregateMessage(errors: readonly FieldError[]): string {
  const unique = [...new Set(errors.map(fieldErrorString))];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

function keyError(key: string, path: string): FieldError | undefined {
  const errs = labelKeyErrors(key);
  return errs.length === 0 ? undefined : fieldError.invalid(path, key, errs.join('; '));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/**
 * The field errors of `labels.NewRequirement`. `nilWhenEmpty` prints an empty value list as
 * `null`, as kube does for the nil slice that `LabelSelectorAsSelector` passes.
 */
function requirementErrors(
  key: string,
  operator: string,
  values: readonly string[],
  path: string | undefined,
  nilWhenEmpty: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const kerr = keyError(key, childPath(path, 'key'));
  if (kerr !== undefined) errors.push(kerr);
  const valuesPath = childPath(path, 'values');
  const shown = values.length === 0 && nilWhenEmpty ? null : [...values];
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errors.push(
          fieldError.invalid(
            valuesPath,
            shown,
            "for 'in', 'notin' operators, values set can't be empty",
          ),
        );
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errors.push(
          fieldError.invalid(
            valuesPath,
            shown,
            'exact-match compatibility requires one single value',
          ),
        );
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errors.push(
          fieldError.invalid(
            valuesPath,
            shown,
            'values set must be empty for exists and does not exist',
          ),
        );
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errors.push(
          fieldError.invalid(
            valuesPath,
            shown,
            "for 'Gt', 'Lt' operators, exactly one value is required",
          ),
        );
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errors.push(
            fieldError.invalid(
              `${valuesPath}[${i}]`,
              v,
              "for 'Gt', 'Lt' operators, the value must be an integer",
            ),
          );
        }
      });
      break;
    default:
      errors.push(fieldError.notSupported(childPath(path, 'operator'), operator, ALL_OPERATORS));
  }
  values.forEach((v, i) => {
    const errs = labelValueErrors(v);
    if (errs.length > 0) {
      errors.push(fieldError.invalid(`${valuesPath}[${i}][${key}]`, v, errs.join('; ')));
    }
  });
  return errors;
}

function makeRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
): LabelRequirement {
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

/**
 * Builds one requirement, validated as `labels.NewRequirement`: the key must be a qualified name,
 * values valid label values, and the value count fit the operator (`gt`/`lt` take one int64).
 * @throws StatusError 400 BadRequest with kube's aggregated field-error text.
 */
export function newLabelRequirement(
  key: string,
  operator: LabelOperator,
  values: readonly string[] = [],
): LabelRequirement {
  const errors = requirementErrors(key, operator, values, undefined, false);
  if (errors.length > 0) throw badRequest(aggregateMessage(errors));
  return makeRequirement(key, operator, values);
}

// ---------------------------------------------------------------------------------------------
// Matching and printing.

function hasLabel(labels: Readonly<Record<string, string>> | undefined, key: string): boolean {
  return labels !== undefined && Object.hasOwn(labels, key);
}

/** True when the requirement holds for the labels, as `labels.Requirement.Matches`. */
export function labelRequirementMatches(
  r: LabelRequirement,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const present = hasLabel(labels, r.key);
  const value = present ? labels![r.key]! : '';
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return present && r.values.includes(value);
    case 'notin':
    case '!=':
      return !present || !r.values.includes(value);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt': {
      if (!present || r.values.length !== 1) return false;
      const have = parseInt64(value);
      const want = parseInt64(r.values[0]!);
      if (have === undefined || want === undefined) return false;
      return r.operator === 'gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

function sortedStrings(values: readonly string[]): string[] {
  return [...values].sort(compareGoStrings);
}

/** The requirement as selector text, as `labels.Requirement.String()`. */
export function labelRequirementString(r: LabelRequirement): string {
  const head = (r.operator === '!' ? '!' : '') + r.key;
  if (r.operator === 'exists' || r.operator === '!') return head;
  const values = r.values.length === 1 ? r.values[0]! : sortedStrings(r.values).join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${head}${OPERATOR_TEXT[r.operator]}${set ? `(${values})` : values}`;
}

function sortByKey(requirements: readonly LabelRequirement[]): LabelRequirement[] {
  // stable, so requirements on one key keep their order
  return [...requirements].sort((a, b) => compareGoStrings(a.key, b.key));
}

class RequirementsSelector implements ParsedLabelSelector {
  readonly requirements: readonly LabelRequirement[];
  readonly selectable = true;

  constructor(sorted: readonly LabelRequirement[]) {
    this.requirements = Object.freeze([...sorted]);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Readonly<Record<string, string>> | undefined): boolean {
    return this.requirements.every((r) => labelRequirementMatches(r, labels));
  }

  requiresExactMatch(label: string): string | undefined {
    // as kube: only the first requirement on the key is looked at
    const r = this.requirements.find((req) => req.key === label);
    if (r === undefined) return undefined;
    const exact = r.operator === '=' || r.operator === '==' || r.operator === 'in';
    return exact && r.values.length === 1 ? r.values[0] : undefined;
  }

  add(...requirements: LabelRequirement[]): ParsedLabelSelector {
    return new RequirementsSelector(sortByKey([...this.requirements, ...requirements]));
  }

  toString(): string {
    return this.requirements.map(labelRequirementString).join(',');
  }
}

const NOTHING: ParsedLabelSelector = Object.freeze({
  requirements: Object.freeze([]),
  empty: false,
  selectable: false,
  matches: () => false,
  requiresExactMatch: () => undefined,
  add(): ParsedLabelSelector {
    return NOTHING;
  },
  toString: () => '',
});

const EVERYTHING: ParsedLabelSelector = new RequirementsSelector([]);

/** The selector that matches every label set (`labels.Everything()`). */
export function labelsEverything(): ParsedLabelSelector {
  return EVERYTHING;
}

/** The selector that matches nothing (`labels.Nothing()`), as a nil `LabelSelector` converts to. */
export function labelsNothing(): ParsedLabelSelector {
  return NOTHING;
}

/** A selector of `key=value` for each entry, unvalidated (`labels.SelectorFromValidatedSet`). */
export function labelSelectorFromSet(
  set: Readonly<Record<string, string>> | undefined,
): ParsedLabelSelector {
  const entries = Object.entries(set ?? {});
  return new RequirementsSelector(sortByKey(entries.map(([k, v]) => makeRequirement(k, '=', [v]))));
}

/**
 * A selector of `key=value` for each entry, validated (`labels.ValidatedSelectorFromSet`).
 * @throws StatusError 400 for the first invalid key or value (in key order).
 */
export function validatedLabelSelectorFromSet(
  set: Readonly<Record<string, string>> | undefined,
): ParsedLabelSelector {
  const entries = Object.entries(set ?? {}).sort(([a], [b]) => compareGoStrings(a, b));
  return new RequirementsSelector(entries.map(([k, v]) => newLabelRequirement(k, '=', [v])));
}

// ---------------------------------------------------------------------------------------------
// The lexer and parser (k8s.io/apimachinery pkg/labels/selector.go Lexer, Parser).

type Token =
  | 'error'
  | 'end'
  | 'closePar'
  | 'comma'
  | 'not'
  | 'doubleEquals'
  | 'equals'
  | 'gt'
  | 'identifier'
  | 'in'
  | 'lt'
  | 'notEquals'
  | 'notin'
  | 'openPar';

const LITERAL_TOKENS = new Map<string, Token>([
  [')', 'closePar'],
  [',', 'comma'],
  ['!', 'not'],
  ['==', 'doubleEquals'],
  ['=', 'equals'],
  ['>', 'gt'],
  ['in', 'in'],
  ['<', 'lt'],
  ['!=', 'notEquals'],
  ['notin', 'notin'],
  ['(', 'openPar'],
]);

interface Scanned {
  token: Token;
  literal: string;
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return (
    ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<'
  );
}

/** A NUL character, like the end of input, stops a token: kube's lexer reads byte 0 as "end". */
const END = '\0';

class Lexer {
  private pos = 0;

  constructor(private readonly s: string) {}

  private read(): string {
    if (this.pos < this.s.length) return this.s[this.pos++]!;
    return END;
  }

  private unread(): void {
    this.pos--;
  }

  private scanIdentifierOrKeyword(): Scanned {
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (isSpecial(ch) || isWhitespace(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
    }
    return { token: LITERAL_TOKENS.get(buffer) ?? 'identifier', literal: buffer };
  }

  /** The longest operator made of special characters (`!=` over `!`, `==` over `=`). */
  private scanSpecialSymbol(): Scanned {
    let last: Scanned | undefined;
    let buffer = '';
    for (;;) {
      const ch = this.read();
      if (ch === END) break;
      if (!isSpecial(ch)) {
        this.unread();
        break;
      }
      buffer += ch;
      const token = LITERAL_TOKENS.get(buffer);
      if (token !== undefined) {
        last = { token, literal: buffer };
      } else if (last !== undefined) {
        this.unread();
        break;
      }
    }
    return last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` };
  }

  lex(): Scanned {
    let ch = this.read();
    while (isWhitespace(ch)) ch = this.read();
    if (ch === END) return { token: 'end', literal: '' };
    this.unread();
    return isSpecial(ch) ? this.scanSpecialSymbol() : this.scanIdentifierOrKeyword();
  }
}

/** A syntax error; the public functions turn it into a 400 with the same text. */
class SelectorSyntaxError extends Error {}

function fail(message: string): never {
  throw new SelectorSyntaxError(message);
}

/** In a value position `in` and `notin` are plain identifiers (`x in (in)`, `notin=in`). */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private readonly items: Scanned[] = [];
  private position = 0;

  constructor(input: string) {
    const lexer = new Lexer(input);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.token === 'end') break;
    }
  }

  private at(index: number, context: Context): Scanned {
    const item = this.items[Math.min(index, this.items.length - 1)]!;
    if (context === 'values' && (item.token === 'in' || item.token === 'notin')) {
      return { token: 'identifier', literal: item.literal };
    }
    return item;
  }

  private lookahead(context: Context): Scanned {
    return this.at(this.position, context);
  }

  private consume(context: Context): Scanned {
    return this.at(this.position++, context);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead('values');
      if (token === 'end') return requirements;
      if (token !== 'identifier' && token !== 'not') {
        fail(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (err) {
        if (err instanceof SelectorSyntaxError) fail(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const next = this.consume('values');
      if (next.token === 'end') return requirements;
      if (next.token !== 'comma') fail(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead('values');
      if (after.token !== 'identifier' && after.token !== 'not') {
        fail(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator: unary } = this.parseKeyAndInferOperator();
    let operator: LabelOperator;
    let values: string[];
    if (unary !== undefined) {
      operator = unary;
      values = [];
    } else {
      operator = this.parseOperator();
      values =
        operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    }
    const errors = requirementErrors(key, operator, values, undefined, false);
    if (errors.length > 0) fail(aggregateMessage(errors));
    return makeRequirement(key, operator, values);
  }

  private parseKeyAndInferOperator(): { key: string; operator: LabelOperator | undefined } {
    let item = this.consume('values');
    let operator: LabelOperator | undefined;
    if (item.token === 'not') {
      operator = '!';
      item = this.consume('values');
    }
    if (item.token !== 'identifier') fail(`found '${item.literal}', expected: identifier`);
    // as kube: the parser validates the key against a nil field path, printed "<nil>"
    const kerr = keyError(item.literal, '<nil>');
    if (kerr !== undefined) fail(fieldErrorString(kerr));
    const next = this.lookahead('values').token;
    if (operator === undefined && (next === 'end' || next === 'comma')) operator = 'exists';
    return { key: item.literal, operator };
  }

  private parseOperator(): LabelOperator {
    const { token, literal } = this.consume('keyAndOperator');
    switch (token) {
      case 'in':
        return 'in';
      case 'notin':
        return 'notin';
      case 'equals':
        return '=';
      case 'doubleEquals':
        return '==';
      case 'notEquals':
        return '!=';
      case 'gt':
        return 'gt';
      case 'lt':
        return 'lt';
      default:
        return fail(`found '${literal}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  /** `(a,b,c)`: a set, so duplicates collapse and values come back sorted. */
  private parseValues(): string[] {
    const open = this.consume('values');
    if (open.token !== 'openPar') fail(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead('values');
    if (token === 'closePar') {
      this.consume('values');
      return [''];
    }
    if (token !== 'identifier' && token !== 'comma') {
      fail(`found '${literal}', expected: ',', ')' or identifier`);
    }
    const values = this.parseIdentifierList();
    if (this.consume('values').token !== 'closePar') fail(`found '${literal}', expected: ')'`);
    return sortedStrings([...values]);
  }

  /** Comma-separated identifiers, any of them possibly empty (`(,a)`, `(a,,)`). */
  private parseIdentifierList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume('values');
      if (token === 'identifier') {
        values.add(literal);
        const next = this.lookahead('values');
        if (next.token === 'comma') continue;
        if (next.token === 'closePar') return values;
        fail(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (token !== 'comma') fail(`found '${literal}', expected: ',', or identifier`);
      if (values.size === 0) values.add('');
      const next = this.lookahead('values').token;
      if (next === 'closePar') {
        values.add('');
        return values;
      }
      if (next === 'comma') values.add('');
    }
  }

  private parseExactValue(): string[] {
    const next = this.lookahead('values').token;
    if (next === 'end' || next === 'comma') return [''];
    const { token, literal } = this.consume('values');
    if (token !== 'identifier') fail(`found '${literal}', expected: identifier`);
    return [literal];
  }
}

function parseRequirements(selector: string): LabelRequirement[] {
  try {
    return sortByKey(new Parser(selector).parse());
  } catch (err) {
    if (err instanceof SelectorSyntaxError) throw badRequest(err.message);
    throw err;
  }
}

/**
 * Parses a label selector string (`labels.Parse`): `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`, joined by commas (AND). The empty string selects
 * everything.
 * @throws StatusError 400 BadRequest with the message kube-apiserver gives for a bad `?labelSelector=`.
 */
export function parseLabelSelector(selector: string): ParsedLabelSelector {
  return new RequirementsSelector(parseRequirements(selector));
}

// ---------------------------------------------------------------------------------------------
// meta/v1 LabelSelector conversions (k8s.io/apimachinery pkg/apis/meta/v1/helpers.go).

const EXPRESSION_OPERATORS: Readonly<Record<string, LabelOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts a structured `LabelSelector` to a selector (`metav1.LabelSelectorAsSelector`): a
 * missing selector matches nothing, an empty one everything; `matchLabels` become `=`
 * requirements and `matchExpressions` In/NotIn/Exists/DoesNotExist ones.
 * @throws StatusError 400 for an unknown operator or the first invalid requirement.
 */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): ParsedLabelSelector {
  if (ls === null || ls === undefined) return NOTHING;
  const matchLabels = Object.entries(ls.matchLabels ?? {});
  const expressions = ls.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return EVERYTHING;
  const requirements: LabelRequirement[] = [];
  // kube walks a Go map here; key order makes the first reported error deterministic
  for (const [key, value] of matchLabels.sort(([a], [b]) => compareGoStrings(a, b))) {
    requirements.push(newLabelRequirement(key, '=', [value]));
  }
  for (const expr of expressions) {
    const operator = Object.hasOwn(EXPRESSION_OPERATORS, expr.operator)
      ? EXPRESSION_OPERATORS[expr.operator]
      : undefined;
    if (operator === undefined) {
      throw badRequest(`${quote(expr.operator)} is not a valid label selector operator`);
    }
    const values = expr.values ?? [];
    const errors = requirementErrors(expr.key, operator, values, undefined, true);
    if (errors.length > 0) throw badRequest(aggregateMessage(errors));
    requirements.push(makeRequirement(expr.key, operator, values));
  }
  return new RequirementsSelector(sortByKey(requirements));
}

/**
 * Parses a selector string into a structured `LabelSelector` (`metav1.ParseToLabelSelector`):
 * `=`/`==` go to `matchLabels`, `in`/`notin`/exists/`!` to `matchExpressions`. Empty
 * `matchLabels`/`matchExpressions`/`values` are left out, as they are on the wire.
 * @throws StatusError 400 for a syntax error, or for `!=`, `>` and `<`, which have no structured form.
 */
export function selectorToLabelSelector(selector: string): LabelSelector {
  let requirements: LabelRequirement[];
  try {
    requirements = parseRequirements(selector);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw badRequest(`couldn't parse the selector string "${selector}": ${why}`);
  }
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const r of requirements) {
    switch (r.operator) {
      case '=':
      case '==':
        if (r.values.length !== 1) throw badRequest('equals operator must have exactly one value');
        matchLabels[r.key] = r.values[0]!;
        continue;
      case 'gt':
      case 'lt':
        throw badRequest(`${quote(r.operator)} isn't supported in label selectors`);
      case 'in':
      case 'notin':
      case 'exists':
      case '!': {
        const operator = (
          { in: 'In', notin: 'NotIn', exists: 'Exists', '!': 'DoesNotExist' } as const
        )[r.operator];
        const values = sortedStrings([...new Set(r.values)]);
        matchExpressions.push(
          values.length > 0 ? { key: r.key, operator, values } : { key: r.key, operator },
        );
        continue;
      }
      default:
        throw badRequest(`${quote(r.operator)} is not a valid label selector operator`);
    }
  }
  const out: LabelSelector = {};
  if (Object.keys(matchLabels).length > 0) out.matchLabels = matchLabels;
  if (matchExpressions.length > 0) out.matchExpressions = matchExpressions;
  return out;
}

/** Labels as `k=v` pairs in sorted order, `<none>` when there are none (`labels.FormatLabels`). */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const pairs = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  return pairs.length === 0 ? '<none>' : pairs.sort(compareGoStrings).join(',');
}

/** A structured selector as text: `<none>` when empty, `<error>` when invalid (`metav1.FormatLabelSelector`). */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let text: string;
  try {
    text = labelSelectorAsSelector(ls).toString();
  } catch {
    return '<error>';
  }
  return text === '' ? '<none>' : text;
}
