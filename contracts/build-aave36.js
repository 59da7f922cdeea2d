#!/usr/bin/env node
// Compiles the contracts an Aave V3.6 market needs from the Solidity sources of the npm package
// `@aave-dao/aave-v3-origin` (it ships no artifacts) and writes one artifact per contract.
//
//   node contracts/build-aave36.js <outDir>
//
// <outDir>/<Contract>.json gets {contractName, sourceName, compiler, abi, bytecode, deployedBytecode,
// linkReferences} (the build puts <outDir> on the classpath under /contracts/aave-v3.6). Settings are
// the repository's at tag v3.6.0 (foundry.toml): solc 0.8.27, optimizer 200 runs, EVM shanghai,
// bytecodeHash none, no via-IR; its remappings (remappings.txt) are mapped onto the npm folders.
//
// Compiling takes about 20 s of one core, so the output is cached in
// node_modules/.cache/margin-call/aave-v3.6.json, keyed by a SHA-256 of the compiler version, the
// settings, the contract list and the content of every source the compiler read. With a valid cache
// the script only re-hashes those sources and copies the artifacts (no compiler is loaded).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(process.argv[2] || path.join(root, 'target', 'generated-resources', 'contracts', 'aave-v3.6'));
const nodeModules = path.join(root, 'node_modules');
const cacheFile = path.join(nodeModules, '.cache', 'margin-call', 'aave-v3.6.json');
const SOLC = 'solc-0.8.27'; // npm alias of solc@0.8.27 (package.json), beside the solc our own contracts use
const ORIGIN = '@aave-dao/aave-v3-origin/src/contracts/';

function fail(message) {
  console.error(`contracts/build-aave36.js: ${message}`);
  process.exit(1);
}

// Top-level contracts, by source file under ORIGIN. Their logic libraries are added below.
const CONTRACTS = {
  'protocol/configuration/PoolAddressesProvider.sol': ['PoolAddressesProvider'],
  'protocol/configuration/ACLManager.sol': ['ACLManager'],
  'instances/PoolInstance.sol': ['PoolInstance'],
  'instances/PoolConfiguratorInstance.sol': ['PoolConfiguratorInstance'],
  'instances/ATokenInstance.sol': ['ATokenInstance'],
  'instances/VariableDebtTokenInstance.sol': ['VariableDebtTokenInstance'],
  'misc/AaveOracle.sol': ['AaveOracle'],
  'misc/DefaultReserveInterestRateStrategyV2.sol': ['DefaultReserveInterestRateStrategyV2'],
  'helpers/AaveProtocolDataProvider.sol': ['AaveProtocolDataProvider'],
  // a price oracle sentinel and its sequencer feed, for the tests of the sentinel rule (L2 markets have one)
  'misc/PriceOracleSentinel.sol': ['PriceOracleSentinel'],
  'mocks/oracle/SequencerOracle.sol': ['SequencerOracle'],
};
// The devnet's tokens and price feeds (MintableERC20, MockAggregator) are shared by every Aave version
// it deploys and come from @aave/core-v3's artifacts, so they are not compiled here.
// Libraries with external functions the Pool and PoolConfigurator link (FlashLoanLogic links BorrowLogic).
const LIBRARIES = ['BorrowLogic', 'ConfiguratorLogic', 'FlashLoanLogic', 'LiquidationLogic', 'PoolLogic', 'SupplyLogic'];
for (const lib of LIBRARIES) CONTRACTS[`protocol/libraries/logic/${lib}.sol`] = [lib];

// remappings.txt of aave-v3-origin at v3.6.0, onto node_modules (forge-std is only used by scripts and tests).
const REMAPPINGS = [
  ['solidity-utils/', '@bgd-labs/solidity-utils/src/'],
  ['openzeppelin-contracts-upgradeable/contracts/', '@openzeppelin/contracts-upgradeable/'],
  ['openzeppelin-contracts/contracts/', '@openzeppelin/contracts/'],
];

const OUTPUTS = ['abi', 'evm.bytecode.object', 'evm.bytecode.linkReferences', 'evm.deployedBytecode.object'];
const settings = {
  evmVersion: 'shanghai',
  optimizer: { enabled: true, runs: 200 },
  viaIR: false,
  metadata: { bytecodeHash: 'none' },
  remappings: REMAPPINGS.map(([from, to]) => `${from}=${to}`),
  outputSelection: Object.fromEntries(Object.entries(CONTRACTS).map(([file, names]) =>
    [ORIGIN + file, Object.fromEntries(names.map((n) => [n, OUTPUTS]))])),
};

const solcDir = path.join(nodeModules, SOLC);
if (!fs.existsSync(path.join(solcDir, 'package.json')) || !fs.existsSync(path.join(nodeModules, ORIGIN))) {
  fail(`node_modules/${SOLC} or node_modules/${ORIGIN} is missing: run \`npm ci --ignore-scripts\` in the repository root (package.json pins them).`);
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

// <outDir> holds these artifacts only: one left from a longer contract list is removed.
function writeArtifacts(artifacts) {
  const names = new Set(artifacts.map((a) => `${a.contractName}.json`));
  if (fs.existsSync(outDir)) {
    for (const stale of fs.readdirSync(outDir).filter((f) => f.endsWith('.json') && !names.has(f))) fs.unlinkSync(path.join(outDir, stale));
  }
  for (const artifact of artifacts) {
    writeIfChanged(path.join(outDir, `${artifact.contractName}.json`), JSON.stringify(artifact, null, 1) + '\n');
  }
}

const started = Date.now();
let cached = null;
try {
  cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
} catch (e) {
  // no cache, or an unreadable one: compile
}
if (cached && cached.key === cacheKey(cached.sources)) {
  writeArtifacts(cached.artifacts);
  console.log(`contracts/build-aave36.js: ${cached.artifacts.length} Aave V3.6 artifacts from the cache (${Date.now() - started} ms)`);
  process.exit(0);
}

// --- compile --------------------------------------------------------------------------------------
const solc = require(solcDir);
const read = new Set();
function findImports(unitName) {
  // Unit names are paths under node_modules once remapped; relative imports resolve against them.
  const file = path.join(nodeModules, unitName);
  if (!file.startsWith(nodeModules + path.sep) || !fs.existsSync(file)) {
    return { error: `${unitName} not found under node_modules` };
  }
  read.add(unitName);
  return { contents: fs.readFileSync(file, 'utf8') };
}
const sources = {};
for (const file of Object.keys(CONTRACTS)) {
  const unitName = ORIGIN + file;
  read.add(unitName);
  sources[unitName] = { content: fs.readFileSync(path.join(nodeModules, unitName), 'utf8') };
}
const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of errors) console.error(e.formattedMessage);
if (errors.length > 0) fail(`${errors.length} compile error(s) in the Aave V3.6 sources`);

const artifacts = [];
for (const [file, names] of Object.entries(CONTRACTS)) {
  for (const name of names) {
    const c = (output.contracts[ORIGIN + file] || {})[name];
    if (!c || !c.evm.bytecode.object) fail(`${name} produced no bytecode`);
    artifacts.push({
      contractName: name,
      sourceName: ORIGIN + file,
      compiler: `solc ${solc.version()}`,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
      linkReferences: c.evm.bytecode.linkReferences,
    });
  }
}
// Every library a contract links must be one we compiled, or the deployer could not link it.
const names = new Set(artifacts.map((a) => a.contractName));
for (const a of artifacts) {
  for (const libs of Object.values(a.linkReferences)) {
    for (const lib of Object.keys(libs)) {
      if (!names.has(lib)) fail(`${a.contractName} links ${lib}, which is not in LIBRARIES`);
    }
  }
  const size = (a.deployedBytecode.length - 2) / 2;
  if (size > 24576) fail(`${a.contractName} is ${size} bytes, over the EIP-170 limit`);
}

const sourceList = [...read].sort();
fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
fs.writeFileSync(cacheFile, JSON.stringify({ key: cacheKey(sourceList), sources: sourceList, artifacts }));
writeArtifacts(artifacts);
const pool = artifacts.find((a) => a.contractName === 'PoolInstance');
console.log(`contracts/build-aave36.js: compiled ${artifacts.length} Aave V3.6 contracts from ${sourceList.length} sources with solc ${solc.version()} `
  + `in ${((Date.now() - started) / 1000).toFixed(1)} s (PoolInstance ${(pool.deployedBytecode.length - 2) / 2} bytes)`);
