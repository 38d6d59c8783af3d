#!/usr/bin/env node
// The `reprise` command: runs the built CLI (npm install builds it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(`reprise: Node.js ${process.versions.node} is too old; Reprise needs Node.js 22 or newer (https://nodejs.org/).\n`);
  process.exit(2);
}
const cli = fileURLToPath(new URL('../out/electron/cli/main.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('reprise: Reprise is not built yet. Run "npm install" (it builds) or "npm run build" in the Reprise folder.\n');
  process.exit(2);
}
const { main, exitWhenWritten, ignoreClosedReader } = await import(cli);
ignoreClosedReader();
await exitWhenWritten(await main(process.argv.slice(2)));
