/**
 * String format checks for names, label keys and values, worded as Kubernetes 1.36 words them
 * (k8s.io/apimachinery pkg/util/validation/validation.go and pkg/api/validate/content).
 *
 * Every check returns the list of problems kube would report; an empty list means valid. Lengths are
 * counted in UTF-8 bytes, as Go's `len()` counts them.
 * @module
 */

/** Longest DNS (RFC 1123) label, in bytes. */
export const DNS1123_LABEL_MAX_LENGTH = 63;
/** Longest DNS (RFC 1123) subdomain, in bytes. */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
/** Longest DNS (RFC 1035) label, in bytes. */
export const DNS1035_LABEL_MAX_LENGTH = 63;
/** Longest label value, in bytes. */
export const LABEL_VALUE_MAX_LENGTH = 63;
/** Longest name part of a qualified name (label key), in bytes. */
export const QUALIFIED_NAME_MAX_LENGTH = 63;

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

const anchored = (fmt: string): RegExp => new RegExp(`^(?:${fmt})$`);
const dns1123LabelRe = anchored(DNS1123_LABEL_FMT);
const dns1123SubdomainRe = anchored(DNS1123_SUBDOMAIN_FMT);
const dns1035LabelRe = anchored(DNS1035_LABEL_FMT);
const qualifiedNameRe = anchored(QUALIFIED_NAME_FMT);
const labelValueRe = anchored(LABEL_VALUE_FMT);

/**
 * The "too long" detail of pkg/util/validation (`must be no more than 63 characters`), used by the
 * DNS label and subdomain checks.
 */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/**
 * The "too long" detail of pkg/api/validate/content (`must be no more than 63 bytes`), used by the
 * qualified-name and label-value checks since Kubernetes 1.34.
 */
export function maxLenBytesError(length: number): string {
  return `must be no more than ${length} bytes`;
}

/** The detail for an empty string where one is required: `must be non-empty`. */
export function emptyError(): string {
  return 'must be non-empty';
}

/**
 * Explains a failed regex match the way kube does:
 * `<msg> (e.g. 'a',  or 'b', regex used for validation is '<fmt>')` (the double space is kube's).
 */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of `s`, one char per byte, so `.length` is Go's `len()` and the ASCII-only regexes
 * above reject every non-ASCII byte exactly as Go's byte-oriented checks do.
 */
function utf8Bytes(s: string): string {
  // eslint-disable-next-line no-control-regex -- the ASCII range is the point
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  let out = '';
  for (const b of encoder.encode(s)) out += String.fromCharCode(b);
  return out;
}

/** The length of `s` in UTF-8 bytes. */
export function byteLength(s: string): number {
  return utf8Bytes(s).length;
}

function dns1123Label(b: string): string[] {
  const errs: string[] = [];
  if (b.length > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(b)) {
    // a valid subdomain that is no valid label can only be one with dots (length is checked above)
    errs.push(
      dns1123SubdomainRe.test(b)
        ? 'must not contain dots'
        : regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'),
    );
  }
  return errs;
}

function dns1123Subdomain(b: string, maxLen: (n: number) => string): string[] {
  const errs: string[] = [];
  if (b.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLen(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(b)) {
    errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

function dns1035Label(b: string): string[] {
  const errs: string[] = [];
  if (b.length > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!dns1035LabelRe.test(b)) {
    errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

/**
 * Checks a DNS (RFC 1123) label: at most 63 bytes of `[a-z0-9-]`, starting and ending alphanumeric
 * (as kube: pkg/util/validation IsDNS1123Label).
 */
export function isDNS1123Label(value: string): string[] {
  return dns1123Label(utf8Bytes(value));
}

/**
 * Checks a DNS (RFC 1123) subdomain: dot-separated RFC 1123 labels, at most 253 bytes in all
 * (as kube: pkg/util/validation IsDNS1123Subdomain).
 */
export function isDNS1123Subdomain(value: string): string[] {
  return dns1123Subdomain(utf8Bytes(value), maxLenError);
}

/**
 * Checks a DNS (RFC 1035) label: like an RFC 1123 label but starting with a letter
 * (as kube: pkg/util/validation IsDNS1035Label).
 */
export function isDNS1035Label(value: string): string[] {
  return dns1035Label(utf8Bytes(value));
}

/**
 * Checks a qualified name (the format of label keys, annotation keys and finalizers): an optional
 * DNS-subdomain prefix and `/`, then a name of at most 63 bytes of `[A-Za-z0-9-_.]` starting and
 * ending alphanumeric (as kube: pkg/api/validate/content IsLabelKey).
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = utf8Bytes(value).split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) {
      errs.push(`prefix part ${emptyError()}`);
    } else {
      for (const msg of dns1123Subdomain(prefix, maxLenBytesError)) errs.push(`prefix part ${msg}`);
    }
  } else {
    return [
      `a valid label key ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) {
    errs.push(`name part ${emptyError()}`);
  } else if (name.length > QUALIFIED_NAME_MAX_LENGTH) {
    errs.push(`name part ${maxLenBytesError(QUALIFIED_NAME_MAX_LENGTH)}`);
  }
  if (!qualifiedNameRe.test(name)) {
    errs.push(
      `name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return errs;
}

/**
 * Checks a label value: empty, or at most 63 bytes of `[A-Za-z0-9-_.]` starting and ending
 * alphanumeric (as kube: pkg/api/validate/content IsLabelValue).
 */
export function isValidLabelValue(value: string): string[] {
  const b = utf8Bytes(value);
  const errs: string[] = [];
  if (b.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenBytesError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(b)) {
    errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/**
 * Checks that a name can stand as one URL path segment or storage key segment: not `.` or `..`, no
 * `/` or `%`. Empty and long names pass, as in kube (pkg/api/validate/content IsPathSegmentName).
 */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return isValidPathSegmentPrefix(name);
}

/**
 * Checks a prefix of a path-segment name (a generateName): no `/` or `%`; `.` and `..` pass since a
 * suffix follows (as kube: pkg/api/validate/content IsPathSegmentPrefix).
 */
export function isValidPathSegmentPrefix(name: string): string[] {
  const errs: string[] = [];
  for (const banned of ['/', '%']) {
    if (name.includes(banned)) errs.push(`may not contain '${banned}'`);
  }
  return errs;
}

/**
 * Validates a name (or, with `prefix`, a generateName to which a random suffix will be appended)
 * for one resource type; returns kube's messages, empty when valid (as kube's
 * pkg/api/validation ValidateNameFunc).
 */
export type ValidateNameFunc = (name: string, prefix: boolean) => string[];

/** As Go slicing bytes: drop the last two bytes and append `a`. */
function maskTrailingDashBytes(b: string): string {
  return b.length > 1 && b.endsWith('-') ? `${b.slice(0, -2)}a` : b;
}

/**
 * For a generateName: when it is longer than one byte and ends in `-`, replaces its last two bytes
 * with `a`, so the dash that the random suffix will follow does not fail the "must end
 * alphanumeric" rule (as kube: pkg/api/validation maskTrailingDash, which works on bytes).
 */
export function maskTrailingDash(name: string): string {
  const b = utf8Bytes(name);
  const masked = maskTrailingDashBytes(b);
  if (masked === b) return name;
  return new TextDecoder().decode(Uint8Array.from(masked, (c) => c.charCodeAt(0)));
}

/** {@link ValidateNameFunc} for names that must be DNS subdomains (most kinds, e.g. ConfigMap). */
export const nameIsDNSSubdomain: ValidateNameFunc = (name, prefix) => {
  const b = utf8Bytes(name);
  return dns1123Subdomain(prefix ? maskTrailingDashBytes(b) : b, maxLenError);
};

/** {@link ValidateNameFunc} for names that must be RFC 1123 labels (e.g. Namespace). */
export const nameIsDNSLabel: ValidateNameFunc = (name, prefix) => {
  const b = utf8Bytes(name);
  return dns1123Label(prefix ? maskTrailingDashBytes(b) : b);
};

/** {@link ValidateNameFunc} for names that must be RFC 1035 labels (e.g. Service). */
export const nameIsDNS1035Label: ValidateNameFunc = (name, prefix) => {
  const b = utf8Bytes(name);
  return dns1035Label(prefix ? maskTrailingDashBytes(b) : b);
};

/**
 * {@link ValidateNameFunc} that only requires a name to be a safe path segment; the generic registry
 * applies it to every kind (as kube: pkg/api/validation/path ValidatePathSegmentName).
 */
export const validatePathSegmentName: ValidateNameFunc = (name, prefix) =>
  prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);

/** Namespace names are RFC 1123 labels (as kube: pkg/api/validation ValidateNamespaceName). */
export const validateNamespaceName: ValidateNameFunc = nameIsDNSLabel;
