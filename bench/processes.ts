// What every benchmark that starts servers needs: free ports, and child processes that never outlive it.
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * `track` a child and it is SIGKILLed by `killAll`, and in any case when this process exits or is
 * interrupted, after which `cleanup` runs (e.g. to remove temporary folders).
 */
export function childProcesses(cleanup: () => void = () => {}): { track: (child: ChildProcess) => ChildProcess; killAll: () => void } {
  const children = new Set<ChildProcess>();
  const killAll = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', () => {
    killAll();
    cleanup();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  const track = (child: ChildProcess) => {
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  return { track, killAll };
}
