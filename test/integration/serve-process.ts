import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { onCleanup } from '../helpers/engine.js';
import { CLI } from '../helpers/mcp.js';

export interface ServeProcess {
  child: ChildProcess;
  /** http://host:port as `serve` printed it. */
  base: string;
  stdout(): string;
  stderr(): string;
  /** SIGKILL, and wait for the process to be gone. */
  kill9(): Promise<void>;
}

/** `tmws-patterns serve` (the built CLI) in a process of its own, killed after the test if still running. */
export async function startServeProcess(
  args: readonly string[],
  env: Record<string, string>,
  serveArgs: readonly string[] = [],
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, ...args, 'serve', '--port', '0', ...serveArgs], {
    env: { ...process.env, TMWS_LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  for (;;) {
    const listening = /listening on (http:\/\/\S+)/.exec(stdout);
    if (listening) {
      return {
        child,
        base: listening[1]!,
        stdout: () => stdout,
        stderr: () => stderr,
        kill9: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      };
    }
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${stderr}`);
    await sleep(25);
  }
}
