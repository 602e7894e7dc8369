import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLotsen, type Lotsen } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/core/ports.ts';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const sampleKb = join(root, 'knowledge');

/** A Lotsen on the given environment (sample knowledge base, no model unless configured). */
export async function testLotsen(env: Record<string, string> = {}): Promise<Lotsen> {
  return createLotsen(loadConfig({ LOTSEN_KB_DIR: sampleKb, LOTSEN_DATA_DIR: await tempDir('lotsen-data-'), ...env }), silentLogger);
}

export async function tempDir(prefix = 'lotsen-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes files (path → content) into a fresh temporary folder and returns it. */
export async function writeTree(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

export function article(id: string, fm: Record<string, string> = {}, body = `Intro om ${id}.\n\n## Steg\n1. Öppna **PowerChart**.\n2. Klicka **Sign**.\n`): string {
  const front = { id, title: `Titel ${id}`, lang: 'sv', ...fm };
  return `---\n${Object.entries(front).map(([k, v]) => `${k}: ${v}`).join('\n')}\n---\n${body}`;
}

/**
 * Runs `lotsen ARGS` with INPUT on stdin. Not spawnSync: a fake server in this process (a model, say)
 * answers from this process's event loop while the command runs.
 */
export async function runLotsen(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(root, 'bin/lotsen.js'), ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  child.stdin.end(input);
  const status = await new Promise<number | null>((r) => child.on('close', r));
  return { status, stdout, stderr };
}

/** Takes out the notices waiting for the Slack sender (not configured in tests), as the reporters would read them. */
export async function takeSlackNotices(lotsen: Lotsen): Promise<{ channel: string; text: string }[]> {
  const out: { channel: string; text: string }[] = [];
  for (;;) {
    const leased = await lotsen.store.leaseOutbound(new Date(Date.now() + 3600_000), 60_000, 1000);
    if (!leased.length) return out;
    for (const m of leased) {
      const p = m.payload as { kind?: string; conversation?: { channel: string }; text?: string };
      if (m.channel === 'slack' && p.kind === 'notice') out.push({ channel: p.conversation!.channel, text: p.text! });
      await lotsen.store.completeOutbound(m.id, new Date(0));
    }
  }
}
