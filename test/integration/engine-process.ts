import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EngineOptions, ExecuteOptions, ExecutionResult } from '../../src/index.js';

const INSTANCE = fileURLToPath(new URL('./fixtures/engine-instance.ts', import.meta.url));

export interface EngineProcess {
  pid: number;
  execute(query: string, options?: ExecuteOptions): Promise<ExecutionResult>;
  stop(): Promise<void>;
}

/** Starts a service instance in a child process (through tsx, so it runs this checkout's source). */
export async function spawnEngineProcess(options: EngineOptions): Promise<EngineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE, JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting = new Map<number, { resolve(r: ExecutionResult): void; reject(e: Error): void }>();
  let nextId = 1;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const ready = new Promise<number>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`engine process exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as {
        ready?: boolean;
        pid?: number;
        id?: number;
        result?: ExecutionResult;
        error?: { code: string; message: string };
      };
      if (message.ready) return resolve(message.pid!);
      const call = waiting.get(message.id!);
      waiting.delete(message.id!);
      if (message.error) call?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else call?.resolve(message.result!);
    });
  });
  const pid = await ready;
  return {
    pid,
    execute: (query, executeOptions) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        child.stdin.write(`${JSON.stringify({ id, query, options: executeOptions })}\n`);
      }),
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
