/**
 * The strict-decoding findings kube collects while it decodes a patch body with
 * `fieldValidation=Warn|Strict` (sigs.k8s.io/json UnmarshalStrict): duplicate keys anywhere, and
 * for JSON patch, op members other than op/path/from/value. Paths read like `spec.containers[0].name`.
 * @module
 */

const MAX_STRICT_ERRORS = 100; // as kube: sigs.k8s.io/json saveStrictError keeps at most 100

type Segment = string | number;

function render(stack: readonly Segment[], last: string): string {
  let out = '';
  for (const s of stack) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out === '' ? last : `${out}.${last}`;
}

class Scanner {
  private i = 0;
  readonly errors: string[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly jsonPatchOps: boolean,
  ) {}

  private record(message: string): void {
    if (this.errors.length >= MAX_STRICT_ERRORS || this.seen.has(message)) return;
    this.seen.add(message);
    this.errors.push(message);
  }

  private ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  private string(): string {
    const start = this.i;
    this.i++; // opening quote
    while (this.text[this.i] !== '"') this.i += this.text[this.i] === '\\' ? 2 : 1;
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  value(stack: Segment[], depth: number): void {
    this.ws();
    const c = this.text[this.i];
    if (c === '{') this.object(stack, depth);
    else if (c === '[') this.array(stack, depth);
    else if (c === '"') this.string();
    else {
      while (this.i < this.text.length && !',]} \t\n\r'.includes(this.text[this.i]!)) this.i++;
    }
  }

  private object(stack: Segment[], depth: number): void {
    this.i++;
    const keys = new Set<string>();
    const isOp = this.jsonPatchOps && depth === 1;
    for (;;) {
      this.ws();
      if (this.text[this.i] === '}') break;
      const key = this.string();
      if (keys.has(key)) this.record(`duplicate field ${JSON.stringify(render(stack, key))}`);
      else if (isOp && !['op', 'path', 'from', 'value'].includes(key)) {
        this.record(`unknown field ${JSON.stringify(render(stack, key))}`);
      }
      keys.add(key);
      this.ws();
      this.i++; // colon
      stack.push(key);
      this.value(stack, depth + 1);
      stack.pop();
      this.ws();
      if (this.text[this.i] === ',') this.i++;
    }
    this.i++;
  }

  private array(stack: Segment[], depth: number): void {
    this.i++;
    for (let index = 0; ; index++) {
      this.ws();
      if (this.text[this.i] === ']') break;
      stack.push(index);
      this.value(stack, depth + 1);
      stack.pop();
      this.ws();
      if (this.text[this.i] === ',') this.i++;
    }
    this.i++;
  }
}

/**
 * The strict-decoding errors of a body that is already known to be valid JSON, in document order,
 * worded as kube words them (`duplicate field "metadata.labels.a"`, `unknown field "[0].foo"`).
 */
export function strictDecodingErrors(text: string, jsonPatchOps = false): string[] {
  const scanner = new Scanner(text, jsonPatchOps);
  scanner.value([], 0);
  return scanner.errors;
}
