// Compiles Solidity sources that an npm package ships (no artifacts) with an npm solc release, caching the
// output: what build-aave36.js and build-morpho.js share. The cache lives in node_modules/.cache/margin-call/,
// keyed by a SHA-256 of the compiler version, the settings and the content of every source the compiler read,
// so a later build (also after `mvn clean`) only re-hashes those sources and reuses the artifacts.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const nodeModules = path.join(root, 'node_modules');

function sha256(text) {
  return crypto.createHash('sha256').update(text).digest('hex');
}

function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Writes one <Contract>.json per artifact into outDir and removes any other artifact left there (a longer list before). */
function writeArtifacts(outDir, artifacts) {
  const names = new Set(artifacts.map((a) => `${a.contractName}.json`));
  if (fs.existsSync(outDir)) {
    for (const stale of fs.readdirSync(outDir).filter((f) => f.endsWith('.json') && !names.has(f))) fs.unlinkSync(path.join(outDir, stale));
  }
  for (const artifact of artifacts) {
    writeIfChanged(path.join(outDir, `${artifact.contractName}.json`), JSON.stringify(artifact, null, 1) + '\n');
  }
}

/**
 * @param o.script      the calling script's name, for messages
 * @param o.solc        the npm package (alias) of the compiler, e.g. 'solc-0.8.27'
 * @param o.root        the folder under node_modules the sources are in, e.g. '@morpho-org/morpho-blue/src/'
 * @param o.contracts   { file under root: [contract names] }: the artifacts, with their bytecode
 * @param o.abiOnly     { file under root: [contract names] }: compiled for their ABI only (e.g. an events library)
 * @param o.settings    solc settings without outputSelection
 * @param o.cacheName   the cache file's name
 * @param o.links       keep each artifact's linkReferences (libraries the deployer links)
 * @returns {{artifacts, abis, sources, fromCache, version}} abis: { contract name: ABI } of the abiOnly contracts
 */
function compileCached(o) {
  const fail = (message) => {
    console.error(`contracts/${o.script}: ${message}`);
    process.exit(1);
  };
  const solcDir = path.join(nodeModules, o.solc);
  if (!fs.existsSync(path.join(solcDir, 'package.json')) || !fs.existsSync(path.join(nodeModules, o.root))) {
    fail(`node_modules/${o.solc} or node_modules/${o.root} is missing: run \`npm ci --ignore-scripts\` in the repository root (package.json pins them).`);
  }
  const version = JSON.parse(fs.readFileSync(path.join(solcDir, 'package.json'), 'utf8')).version;
  const outputs = ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object', ...(o.links ? ['evm.bytecode.linkReferences'] : [])];
  const abiOnly = o.abiOnly || {};
  const selection = {};
  for (const [file, names] of Object.entries(o.contracts)) selection[o.root + file] = Object.fromEntries(names.map((n) => [n, outputs]));
  for (const [file, names] of Object.entries(abiOnly)) selection[o.root + file] = Object.fromEntries(names.map((n) => [n, ['abi']]));
  const settings = { ...o.settings, outputSelection: selection };

  // The key: compiler, settings, and each source (by unit name) with the hash of its content.
  const cacheKey = (sourceNames) => sha256(JSON.stringify({
    format: 2, // the cache file's layout (artifacts, abis)
    compiler: version,
    settings,
    sources: [...sourceNames].sort().map((name) => {
      const file = path.join(nodeModules, name);
      return fs.existsSync(file) ? `${name}:${sha256(fs.readFileSync(file))}` : `${name}:missing`;
    }),
  }));
  const cacheFile = path.join(nodeModules, '.cache', 'margin-call', o.cacheName);
  let cached = null;
  try {
    cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } catch (e) {
    // no cache, or an unreadable one: compile
  }
  if (cached && cached.key === cacheKey(cached.sources)) {
    return { artifacts: cached.artifacts, abis: cached.abis || {}, sources: cached.sources, fromCache: true, version };
  }

  const solc = require(solcDir);
  const read = new Set();
  const findImports = (unitName) => {
    // Unit names are paths under node_modules once remapped; relative imports resolve against them.
    const file = path.join(nodeModules, unitName);
    if (!file.startsWith(nodeModules + path.sep) || !fs.existsSync(file)) return { error: `${unitName} not found under node_modules` };
    read.add(unitName);
    return { contents: fs.readFileSync(file, 'utf8') };
  };
  const sources = {};
  for (const file of [...Object.keys(o.contracts), ...Object.keys(abiOnly)]) {
    const unitName = o.root + file;
    read.add(unitName);
    sources[unitName] = { content: fs.readFileSync(path.join(nodeModules, unitName), 'utf8') };
  }
  const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  for (const e of errors) console.error(e.formattedMessage);
  if (errors.length > 0) fail(`${errors.length} compile error(s) in the sources under ${o.root}`);

  const artifacts = [];
  for (const [file, names] of Object.entries(o.contracts)) {
    for (const name of names) {
      const c = (output.contracts[o.root + file] || {})[name];
      if (!c || !c.evm.bytecode.object) fail(`${name} produced no bytecode`);
      const artifact = {
        contractName: name,
        sourceName: o.root + file,
        compiler: `solc ${solc.version()}`,
        abi: c.abi,
        bytecode: '0x' + c.evm.bytecode.object,
        deployedBytecode: '0x' + c.evm.deployedBytecode.object,
      };
      if (o.links) artifact.linkReferences = c.evm.bytecode.linkReferences;
      const size = c.evm.deployedBytecode.object.length / 2;
      if (size > 24576) fail(`${name} is ${size} bytes, over the EIP-170 limit`);
      artifacts.push(artifact);
    }
  }
  const abis = {};
  for (const [file, names] of Object.entries(abiOnly)) {
    for (const name of names) abis[name] = ((output.contracts[o.root + file] || {})[name] || { abi: [] }).abi;
  }
  const sourceList = [...read].sort();
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  fs.writeFileSync(cacheFile, JSON.stringify({ key: cacheKey(sourceList), sources: sourceList, artifacts, abis }));
  return { artifacts, abis, sources: sourceList, fromCache: false, version: solc.version() };
}

module.exports = { compileCached, writeArtifacts, writeIfChanged, root, nodeModules };
