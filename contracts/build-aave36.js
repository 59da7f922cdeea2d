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
// node_modules/.cache/margin-call/aave-v3.6.json (contracts/cached-solc.js: keyed by a SHA-256 of the compiler
// version, the settings, the contract list and the content of every source the compiler read). With a valid
// cache the script only re-hashes those sources and copies the artifacts (no compiler is loaded).
'use strict';
const path = require('path');
const { compileCached, writeArtifacts, root } = require('./cached-solc');

const outDir = path.resolve(process.argv[2] || path.join(root, 'target', 'generated-resources', 'contracts', 'aave-v3.6'));
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

const started = Date.now();
const built = compileCached({
  script: 'build-aave36.js',
  solc: 'solc-0.8.27', // npm alias of solc@0.8.27 (package.json), beside the solc our own contracts use
  root: ORIGIN,
  contracts: CONTRACTS,
  links: true,
  cacheName: 'aave-v3.6.json',
  settings: {
    evmVersion: 'shanghai',
    optimizer: { enabled: true, runs: 200 },
    viaIR: false,
    metadata: { bytecodeHash: 'none' },
    remappings: REMAPPINGS.map(([from, to]) => `${from}=${to}`),
  },
});
const artifacts = built.artifacts;
// Every library a contract links must be one we compiled, or the deployer could not link it.
const names = new Set(artifacts.map((a) => a.contractName));
for (const a of artifacts) {
  for (const libs of Object.values(a.linkReferences)) {
    for (const lib of Object.keys(libs)) {
      if (!names.has(lib)) fail(`${a.contractName} links ${lib}, which is not in LIBRARIES`);
    }
  }
}
writeArtifacts(outDir, artifacts);
const pool = artifacts.find((a) => a.contractName === 'PoolInstance');
console.log(built.fromCache
  ? `contracts/build-aave36.js: ${artifacts.length} Aave V3.6 artifacts from the cache (${Date.now() - started} ms)`
  : `contracts/build-aave36.js: compiled ${artifacts.length} Aave V3.6 contracts from ${built.sources.length} sources with solc ${built.version} `
    + `in ${((Date.now() - started) / 1000).toFixed(1)} s (PoolInstance ${(pool.deployedBytecode.length - 2) / 2} bytes)`);
