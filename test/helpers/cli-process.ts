import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { onCleanup } from './engine.js';
import { CLI } from './mcp.js';

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** The built CLI as a child process, its output collected; killed after the test if still running. */
export function runCliProcess(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, TMWS_LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  onCleanup(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** `tmws-patterns … serve --port 0` started and listening; its base URL (http://127.0.0.1:<port>). */
export async function startServeProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliProcess & { base: string }> {
  const serve = runCliProcess(args, env);
  serve.child.stdin.end();
  let listening: RegExpExecArray | null = null;
  while (!(listening = /listening on (http:\/\/\S+)/.exec(serve.stdout()))) {
    if (serve.child.exitCode !== null) throw new Error(`serve exited with ${serve.child.exitCode}: ${serve.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  onCleanup(async () => {
    if (serve.child.exitCode !== null) return;
    serve.child.kill('SIGTERM');
    await serve.exited;
  });
  return { ...serve, base: listening[1]! };
}
