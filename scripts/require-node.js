// Imported first by `npm start` and `npm test`: on an older Node the user learns that before
// anything is built, downloaded or started (Electron's download, a build failing on new syntax).
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  process.stderr.write(
    `Reprise needs Node.js 22 or newer, and this is Node.js ${process.versions.node} (${process.execPath}).\n` +
      'Install Node.js 22 (https://nodejs.org/, or your package manager), make it the first "node" on your PATH, then run this again.\n',
  );
  process.exit(1);
}
