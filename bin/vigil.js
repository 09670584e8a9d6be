#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled into dist-cli/ by `npm run build:cli` (run on install).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  // The bundle needs node:sqlite and other Node 22 APIs; without this check Node 20 stops on an
  // obscure "No such built-in module" error.
  process.stderr.write(
    `vigil: needs Node.js 22 or newer, this is ${process.version}. ` +
      '`npx vigil` runs on the Node 24 that `npm ci` installs into node_modules/.bin.\n'
  );
  process.exit(2);
}
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist-cli', 'vigil.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('vigil: the CLI is not built yet; run `npm run build:cli` first\n');
  process.exit(2);
}
process.exitCode = require(bundle).main(process.argv.slice(2));
