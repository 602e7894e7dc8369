#!/usr/bin/env node
// Runs the TypeScript sources directly (Node 24 strips types), so no build step is needed.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `lotsen needs Node.js 24 or newer (this is ${process.version}). Run it through npm ("npm start", "npm run lotsen -- …" or "npx lotsen …"), which uses the Node 24 that "npm ci" installed.\n`,
  );
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
