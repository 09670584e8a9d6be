#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled into dist-cli/ by `npm run build:cli` (run on install).
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist-cli', 'vigil.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('vigil: the CLI is not built yet; run `npm run build:cli` first\n');
  process.exit(2);
}
process.exitCode = require(bundle).main(process.argv.slice(2));
