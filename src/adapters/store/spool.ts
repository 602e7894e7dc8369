import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NewEscalation } from '../../core/store/store.ts';

export interface SpooledEscalation {
  escalation: NewEscalation & { sourceEventId: string };
  /** Best article ids, to route it when it is flushed. */
  best: string[];
  /** Safety items whose alert already went out while the store was down. */
  notifiedAt?: string;
}

/**
 * A local, fsync'd file of escalations that could not be stored because the shared store (Redis) was
 * down. Flushed in order when the store is back; each carries a sourceEventId, so a flush that is
 * interrupted and repeated does not create doubles. Several instances may share the folder: a flush
 * first renames a file to claim it.
 */
export class EscalationSpool {
  private readonly dir: string;
  private readonly file: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'spool');
    mkdirSync(this.dir, { recursive: true });
    this.file = join(this.dir, `pending-${process.pid}-${randomBytes(3).toString('hex')}.jsonl`);
  }

  newEventId(): string {
    return `spool:${randomBytes(8).toString('hex')}`;
  }

  add(entry: SpooledEscalation): void {
    // One descriptor for write and fsync: a flush may rename the file between two opens.
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, JSON.stringify(entry) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Files waiting, also one a flush claimed but did not finish (the store went away again, or a crash). */
  pending(): boolean {
    return readdirSync(this.dir).some((f) => f.endsWith('.jsonl') || f.endsWith('.flushing'));
  }

  /** Hands every spooled entry to `store` in order; a file is removed only when all of it was stored. */
  async flush(store: (entry: SpooledEscalation) => Promise<void>): Promise<number> {
    let flushed = 0;
    for (const name of readdirSync(this.dir).filter((f) => f.endsWith('.jsonl') || f.endsWith('.flushing')).sort()) {
      const claimed = name.endsWith('.flushing') ? join(this.dir, name) : join(this.dir, `${name}.${randomBytes(3).toString('hex')}.flushing`);
      try {
        if (!name.endsWith('.flushing')) renameSync(join(this.dir, name), claimed);
      } catch {
        continue; // another instance took it
      }
      const lines = readFileSync(claimed, 'utf8').split('\n').filter((l) => l.trim());
      for (const line of lines) {
        let entry: SpooledEscalation;
        try {
          entry = JSON.parse(line) as SpooledEscalation;
        } catch {
          // A line torn by a crash mid-write was never acknowledged to anyone; kept aside for a person to look at.
          appendFileSync(join(this.dir, 'unreadable.txt'), line + '\n');
          continue;
        }
        // Stops at the first failure; the file stays claimed and the next flush starts it again (ids make repeats harmless).
        await store(entry);
        flushed++;
      }
      rmSync(claimed, { force: true });
    }
    return flushed;
  }
}
