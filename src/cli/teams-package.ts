import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { strToU8, zipSync } from 'fflate';
import type { Config } from '../config.ts';
import { projectRoot } from '../paths.ts';

/** Stands in for the bot id until TEAMS_APP_ID is known; Teams refuses to install it. */
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
/** The template and icons; organisations may swap the icons for their own (same sizes). */
export const TEAMS_DIR = join(projectRoot, 'teams');
const ICONS = { 'color.png': 192, 'outline.png': 32 } as const;
/** Same bytes for the same inputs: a fixed time in the zip entries. */
const ZIP_TIME = new Date('2026-01-01T00:00:00Z');

export interface TeamsPackage {
  zip: Uint8Array;
  manifest: Record<string, unknown>;
  /** What the person packaging should fix before uploading. */
  warnings: string[];
}

/** Width, height and colour type from a PNG's header, or a reason it is not one. */
function pngHeader(bytes: Uint8Array, name: string): { width: number; height: number; colorType: number } {
  const b = Buffer.from(bytes);
  if (b.length < 33 || b.readUInt32BE(0) !== 0x89504e47 || b.toString('ascii', 12, 16) !== 'IHDR') throw new Error(`teams/${name} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), colorType: b[25]! };
}

function fill(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return value.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

/**
 * The Teams app package: manifest.json (schema 1.19) with the bot id and this server's public
 * address filled in, and the two icons, as a zip ready for "Upload a custom app" or the Teams admin
 * centre.
 */
export function buildTeamsPackage(o: { appId?: string; publicUrl: string; dir?: string }): TeamsPackage {
  const dir = o.dir ?? TEAMS_DIR;
  const warnings: string[] = [];
  const appId = o.appId ?? PLACEHOLDER_BOT_ID;
  if (!o.appId) warnings.push(`TEAMS_APP_ID is not set: the package carries the placeholder bot id ${PLACEHOLDER_BOT_ID}. Set TEAMS_APP_ID to the Azure Bot's Microsoft App ID and package again before uploading.`);
  let publicUrl = o.publicUrl.replace(/\/+$/, '');
  if (!/^https:\/\//.test(publicUrl)) {
    warnings.push(`LOTSEN_PUBLIC_URL (${publicUrl}) is not https: Teams needs https addresses in the manifest, so it says https://YOUR-HOST. Set LOTSEN_PUBLIC_URL and package again.`);
    publicUrl = 'https://YOUR-HOST';
  }
  const version = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const template = JSON.parse(readFileSync(join(dir, 'manifest.template.json'), 'utf8')) as unknown;
  const manifest = fill(template, { BOT_ID: appId, VERSION: version, PUBLIC_URL: publicUrl, PUBLIC_HOST: new URL(publicUrl).hostname }) as Record<string, unknown>;
  const files: Record<string, Uint8Array> = { 'manifest.json': strToU8(`${JSON.stringify(manifest, null, 2)}\n`) };
  for (const [name, size] of Object.entries(ICONS)) {
    const bytes = readFileSync(join(dir, name));
    const h = pngHeader(bytes, name);
    if (h.width !== size || h.height !== size) throw new Error(`teams/${name} is ${h.width}×${h.height}; Teams needs ${size}×${size}`);
    // The outline icon is white on transparent, so it needs an alpha channel.
    if (name === 'outline.png' && h.colorType !== 6 && h.colorType !== 4) throw new Error('teams/outline.png needs transparency (an RGBA PNG, white on transparent)');
    files[name] = bytes;
  }
  const zip = zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { mtime: ZIP_TIME }]])), { level: 9 });
  return { zip, manifest, warnings };
}

/** `lotsen teams package [--out FILE]`: writes the zip (default lotsen-teams.zip) and says what to fix. */
export function teamsPackageCommand(args: string[], config: Config): number {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? 'lotsen-teams.zip');
  const pkg = buildTeamsPackage({ appId: config.teams?.appId, publicUrl: config.publicUrl });
  writeFileSync(out, pkg.zip);
  for (const w of pkg.warnings) process.stderr.write(`lotsen: warning: ${w}\n`);
  process.stderr.write(`Wrote ${out} (manifest ${String(pkg.manifest.manifestVersion)}, bot id ${String((pkg.manifest.bots as { botId: string }[])[0]?.botId)}). Upload it in Teams (Apps → Manage your apps → Upload an app) or the Teams admin centre.\n`);
  return 0;
}
