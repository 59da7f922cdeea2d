// Installs the npm packages the build needs (chain tools, protocol sources and artifacts, compilers) when
// node_modules does not match package-lock.json: missing, or installed from another lock (a pull that added a
// package). The lock's SHA-256 is kept in node_modules/.margin-call-lock; a matching stamp means nothing to do,
// so a build never reinstalls by surprise. `npm ci --ignore-scripts`: no package runs code at install.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const stamp = path.join(root, 'node_modules', '.margin-call-lock');
const hash = crypto.createHash('sha256').update(fs.readFileSync(lock)).digest('hex');

if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash) {
  process.exit(0);
}
console.log('contracts/install.js: node_modules does not match package-lock.json; running npm ci --ignore-scripts');
execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
fs.writeFileSync(stamp, hash + '\n');
