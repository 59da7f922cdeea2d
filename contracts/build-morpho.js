#!/usr/bin/env node
// Compiles Morpho Blue and its oracle and IRM mocks from the Solidity sources of the npm package
// `@morpho-org/morpho-blue@1.0.0` (it ships no artifacts), writes one artifact per contract and refreshes
// abis/MorphoBlue.json.
//
//   node contracts/build-morpho.js <outDir>
//
// <outDir>/<Contract>.json gets {contractName, sourceName, compiler, abi, bytecode, deployedBytecode}
// (the build puts <outDir> on the classpath under /contracts/morpho-blue). Settings are the Morpho Blue
// repository's (foundry.toml, profile build, at v1.0.0): solc 0.8.19, via-IR, optimizer 999,999 runs,
// bytecodeHash none, EVM paris.
//
// solc 0.8.19 leaves the events a contract emits from a library out of its ABI (they enter it from 0.8.20),
// and Morpho emits every event from EventsLib. abis/MorphoBlue.json is therefore Morpho's compiled ABI
// plus the events of src/libraries/EventsLib.sol (the library's own ABI, from the same compilation).
//
// Compiling takes about half a minute of one core, so the output is cached in
// node_modules/.cache/margin-call/morpho-blue.json, keyed by a SHA-256 of the compiler version, the
// settings, and the content of every source the compiler read (as build-aave36.js does).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(process.argv[2] || path.join(root, 'target', 'generated-resources', 'contracts', 'morpho-blue'));
const abiFile = path.join(root, 'abis', 'MorphoBlue.json');
const nodeModules = path.join(root, 'node_modules');
const cacheFile = path.join(nodeModules, '.cache', 'margin-call', 'morpho-blue.json');
const SOLC = 'solc-0.8.19'; // npm alias of solc@0.8.19 (package.json): Morpho's sources pin pragma 0.8.19
const SRC = '@morpho-org/morpho-blue/src/';

function fail(message) {
  console.error(`contracts/build-morpho.js: ${message}`);
  process.exit(1);
}

// Contracts deployed by the devnet, by source file under SRC. EventsLib is compiled for its events only.
const CONTRACTS = {
  'Morpho.sol': ['Morpho'],
  'mocks/OracleMock.sol': ['OracleMock'],
  'mocks/IrmMock.sol': ['IrmMock'],
};
const EVENTS = 'libraries/EventsLib.sol';

const OUTPUTS = ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'];
const selection = Object.fromEntries(Object.entries(CONTRACTS).map(([file, names]) =>
  [SRC + file, Object.fromEntries(names.map((n) => [n, OUTPUTS]))]));
selection[SRC + EVENTS] = { EventsLib: ['abi'] };
const settings = {
  evmVersion: 'paris',
  optimizer: { enabled: true, runs: 999999 },
  viaIR: true,
  metadata: { bytecodeHash: 'none' },
  outputSelection: selection,
};

const solcDir = path.join(nodeModules, SOLC);
if (!fs.existsSync(path.join(solcDir, 'package.json')) || !fs.existsSync(path.join(nodeModules, SRC))) {
  fail(`node_modules/${SOLC} or node_modules/${SRC} is missing: run \`npm ci --ignore-scripts\` in the repository root (package.json pins them).`);
}
const compilerVersion = JSON.parse(fs.readFileSync(path.join(solcDir, 'package.json'), 'utf8')).version;

function sha256(text) {
  return crypto.createHash('sha256').update(text).digest('hex');
}

// The key: compiler, settings, and each source (by unit name) with the hash of its content.
function cacheKey(sourceNames) {
  const sources = [...sourceNames].sort().map((name) => {
    const file = path.join(nodeModules, name);
    if (!fs.existsSync(file)) return `${name}:missing`;
    return `${name}:${sha256(fs.readFileSync(file))}`;
  });
  return sha256(JSON.stringify({ compiler: compilerVersion, settings, sources }));
}

function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

// <outDir> holds these artifacts only; abis/MorphoBlue.json is Morpho's functions and errors plus EventsLib's events.
function writeOutputs(artifacts, events) {
  const names = new Set(artifacts.map((a) => `${a.contractName}.json`));
  if (fs.existsSync(outDir)) {
    for (const stale of fs.readdirSync(outDir).filter((f) => f.endsWith('.json') && !names.has(f))) fs.unlinkSync(path.join(outDir, stale));
  }
  for (const artifact of artifacts) {
    writeIfChanged(path.join(outDir, `${artifact.contractName}.json`), JSON.stringify(artifact, null, 1) + '\n');
  }
  const morpho = artifacts.find((a) => a.contractName === 'Morpho');
  if (morpho.abi.some((e) => e.type === 'event')) fail('Morpho\'s ABI has events of its own: a newer solc? Then EventsLib\'s are not needed.');
  writeIfChanged(abiFile, JSON.stringify([...morpho.abi, ...events], null, 2) + '\n');
}

const started = Date.now();
let cached = null;
try {
  cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
} catch (e) {
  // no cache, or an unreadable one: compile
}
if (cached && cached.key === cacheKey(cached.sources)) {
  writeOutputs(cached.artifacts, cached.events);
  console.log(`contracts/build-morpho.js: ${cached.artifacts.length} Morpho Blue artifacts from the cache (${Date.now() - started} ms)`);
  process.exit(0);
}

// --- compile --------------------------------------------------------------------------------------
const solc = require(solcDir);
const read = new Set();
function findImports(unitName) {
  // Morpho's imports are relative: the compiler resolves them to unit names under node_modules.
  const file = path.join(nodeModules, unitName);
  if (!file.startsWith(nodeModules + path.sep) || !fs.existsSync(file)) {
    return { error: `${unitName} not found under node_modules` };
  }
  read.add(unitName);
  return { contents: fs.readFileSync(file, 'utf8') };
}
const sources = {};
for (const file of [...Object.keys(CONTRACTS), EVENTS]) {
  const unitName = SRC + file;
  read.add(unitName);
  sources[unitName] = { content: fs.readFileSync(path.join(nodeModules, unitName), 'utf8') };
}
const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of errors) console.error(e.formattedMessage);
if (errors.length > 0) fail(`${errors.length} compile error(s) in the Morpho Blue sources`);

const artifacts = [];
for (const [file, names] of Object.entries(CONTRACTS)) {
  for (const name of names) {
    const c = (output.contracts[SRC + file] || {})[name];
    if (!c || !c.evm.bytecode.object) fail(`${name} produced no bytecode`);
    artifacts.push({
      contractName: name,
      sourceName: SRC + file,
      compiler: `solc ${solc.version()}`,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    });
    const size = (c.evm.deployedBytecode.object.length) / 2;
    if (size > 24576) fail(`${name} is ${size} bytes, over the EIP-170 limit`);
  }
}
const events = ((output.contracts[SRC + EVENTS] || {}).EventsLib || { abi: [] }).abi.filter((e) => e.type === 'event');
if (events.length === 0) fail('EventsLib produced no events');

const sourceList = [...read].sort();
fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
fs.writeFileSync(cacheFile, JSON.stringify({ key: cacheKey(sourceList), sources: sourceList, artifacts, events }));
writeOutputs(artifacts, events);
const morpho = artifacts.find((a) => a.contractName === 'Morpho');
console.log(`contracts/build-morpho.js: compiled ${artifacts.length} Morpho Blue contracts and ${events.length} EventsLib events from ${sourceList.length} sources `
  + `with solc ${solc.version()} in ${((Date.now() - started) / 1000).toFixed(1)} s (Morpho ${(morpho.deployedBytecode.length - 2) / 2} bytes)`);
