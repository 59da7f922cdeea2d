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
// settings, and the content of every source the compiler read (contracts/cached-solc.js, shared with build-aave36.js).
'use strict';
const path = require('path');
const { compileCached, writeArtifacts, writeIfChanged, root } = require('./cached-solc');

const outDir = path.resolve(process.argv[2] || path.join(root, 'target', 'generated-resources', 'contracts', 'morpho-blue'));
const abiFile = path.join(root, 'abis', 'MorphoBlue.json');
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

const started = Date.now();
const built = compileCached({
  script: 'build-morpho.js',
  solc: 'solc-0.8.19', // npm alias of solc@0.8.19 (package.json): Morpho's sources pin pragma 0.8.19
  root: SRC,
  contracts: CONTRACTS,
  abiOnly: { 'libraries/EventsLib.sol': ['EventsLib'] },
  cacheName: 'morpho-blue.json',
  settings: {
    evmVersion: 'paris',
    optimizer: { enabled: true, runs: 999999 },
    viaIR: true,
    metadata: { bytecodeHash: 'none' },
  },
});
const events = (built.abis.EventsLib || []).filter((e) => e.type === 'event');
if (events.length === 0) fail('EventsLib produced no events');
// <outDir> holds these artifacts only; abis/MorphoBlue.json is Morpho's functions and errors plus EventsLib's events.
writeArtifacts(outDir, built.artifacts);
const morpho = built.artifacts.find((a) => a.contractName === 'Morpho');
if (morpho.abi.some((e) => e.type === 'event')) fail('Morpho\'s ABI has events of its own: a newer solc? Then EventsLib\'s are not needed.');
writeIfChanged(abiFile, JSON.stringify([...morpho.abi, ...events], null, 2) + '\n');
console.log(built.fromCache
  ? `contracts/build-morpho.js: ${built.artifacts.length} Morpho Blue artifacts from the cache (${Date.now() - started} ms)`
  : `contracts/build-morpho.js: compiled ${built.artifacts.length} Morpho Blue contracts and ${events.length} EventsLib events from `
    + `${built.sources.length} sources with solc ${built.version} in ${((Date.now() - started) / 1000).toFixed(1)} s `
    + `(Morpho ${(morpho.deployedBytecode.length - 2) / 2} bytes)`);
