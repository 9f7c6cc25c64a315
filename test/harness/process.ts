/**
 * Child processes for the black-box tests: one-shot commands with captured output, and
 * long-running ones (watches) whose stdout lines the test waits on.
 * @module
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** What a finished command printed and how it ended. */
export interface CommandResult {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to run a command. */
export interface CommandOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to stdin, which is then closed; stdin is closed at once without it. */
  stdin?: string;
  /** The command is killed after this long and the promise rejects; 60 s by default. */
  timeoutMs?: number;
}

/** Runs a command to completion; rejects only when it cannot start or times out. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${command} ${args.join(' ')} timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // a command that exits without reading stdin
    child.stdin.end(options.stdin ?? '');
  });
}

/** A running command whose stdout is read line by line while the test acts. */
export class StreamingCommand {
  readonly lines: string[] = [];
  private stderrText = '';
  private partial = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<CommandResult>;
  private readonly waiters = new Set<() => void>();

  constructor(command: string, args: readonly string[], options: Omit<CommandOptions, 'stdin'>) {
    this.child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.notify();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrText += chunk;
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        if (this.partial !== '') this.lines.push(this.partial);
        this.partial = '';
        this.notify();
        resolve({ code, signal, stdout: this.lines.join('\n'), stderr: this.stderrText });
      });
      this.child.on('error', (err) => {
        this.stderrText += String(err);
        resolve({ code: null, signal: null, stdout: '', stderr: this.stderrText });
      });
    });
  }

  /** True until the command has exited. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the command wrote to stderr so far. */
  get stderr(): string {
    return this.stderrText;
  }

  /** Resolves once `done(lines)` holds for the stdout lines; rejects after `timeoutMs` with what was seen. */
  waitFor(
    done: (lines: readonly string[]) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<void> {
    return this.waitUntil(() => done(this.lines), what, timeoutMs);
  }

  /** Resolves once stderr matches `pattern` (e.g. a request kubectl logs at -v=6). */
  waitForStderr(pattern: RegExp, what: string, timeoutMs = 20_000): Promise<void> {
    return this.waitUntil(() => pattern.test(this.stderrText), what, timeoutMs);
  }

  private async waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let finished = false;
    void this.exited.then(() => (finished = true));
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0 || finished) {
        throw new Error(
          `${finished ? 'exited' : 'timed out'} waiting for ${what}\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderrText}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, Math.min(left, 500));
        const waiters = this.waiters;
        function wake(): void {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        }
        waiters.add(wake);
      });
    }
  }

  /** Waits for the command to exit by itself. */
  async wait(timeoutMs = 20_000): Promise<CommandResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(
            `did not exit within ${timeoutMs} ms\nstdout:\n${this.lines.join('\n')}\nstderr:\n${this.stderrText}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the command (SIGTERM, then SIGKILL) and resolves what it printed. */
  async stop(): Promise<CommandResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      const result = await this.exited;
      clearTimeout(timer);
      return result;
    }
    return this.exited;
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
