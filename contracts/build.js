#!/usr/bin/env node
// Compiles contracts/*.sol with solcjs (the npm `solc` pinned in package.json) and refreshes abis/.
//
//   node contracts/build.js <outDir>
//
// <outDir>/<Contract>.json gets {contractName, abi, bytecode, deployedBytecode} for each of our
// contracts (the build puts it on the classpath). abis/<Name>.json gets the ABI of every contract the
// Java code calls: ours and the official npm artifacts of Aave V3 and Uniswap V2. Files are written
// only when their content changes, so a build leaves git clean.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(process.argv[2] || path.join(root, 'target', 'generated-resources', 'contracts'));
const abiDir = path.join(root, 'abis');
const nodeModules = path.join(root, 'node_modules');

function fail(message) {
  console.error(`contracts/build.js: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(path.join(nodeModules, 'solc'))) {
  fail('node_modules/solc is missing. Run `npm ci --ignore-scripts` in the repository root (the Maven build does it when node_modules is absent).');
}
const solc = require(path.join(nodeModules, 'solc'));

function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

const json = (value) => JSON.stringify(value, null, 2) + '\n';

// --- our contracts -------------------------------------------------------------------------------
const sources = {};
for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.sol')).sort()) {
  sources[file] = { content: fs.readFileSync(path.join(__dirname, file), 'utf8') };
}
const input = {
  language: 'Solidity',
  sources,
  settings: {
    // paris: no PUSH0, so the same bytecode runs on L2s that lag behind mainnet's EVM.
    evmVersion: 'paris',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
for (const e of output.errors || []) console.error(e.formattedMessage);
if (errors.length > 0) fail(`${errors.length} compile error(s) in contracts/`);

const ours = [];
for (const [file, contracts] of Object.entries(output.contracts || {})) {
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces and abstract contracts
    ours.push(name);
    writeIfChanged(path.join(outDir, `${name}.json`), json({
      contractName: name,
      sourceName: `contracts/${file}`,
      compiler: `solc ${solc.version()}`,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    }));
    writeIfChanged(path.join(abiDir, `${name}.json`), json(c.abi));
  }
}

// --- ABIs of the protocol contracts we call (from the official npm artifacts) ---------------------
const aave = (p) => path.join(nodeModules, '@aave/core-v3/artifacts/contracts', p);
const external = {
  AavePool: aave('protocol/pool/Pool.sol/Pool.json'),
  AavePoolAddressesProvider: aave('protocol/configuration/PoolAddressesProvider.sol/PoolAddressesProvider.json'),
  AavePoolConfigurator: aave('protocol/pool/PoolConfigurator.sol/PoolConfigurator.json'),
  AaveACLManager: aave('protocol/configuration/ACLManager.sol/ACLManager.json'),
  AaveOracle: aave('misc/AaveOracle.sol/AaveOracle.json'),
  AaveProtocolDataProvider: aave('misc/AaveProtocolDataProvider.sol/AaveProtocolDataProvider.json'),
  AaveAToken: aave('protocol/tokenization/AToken.sol/AToken.json'),
  AaveVariableDebtToken: aave('protocol/tokenization/VariableDebtToken.sol/VariableDebtToken.json'),
  AaveDefaultReserveInterestRateStrategy: aave('protocol/pool/DefaultReserveInterestRateStrategy.sol/DefaultReserveInterestRateStrategy.json'),
  MockAggregator: aave('mocks/oracle/CLAggregators/MockAggregator.sol/MockAggregator.json'),
  MintableERC20: aave('mocks/tokens/MintableERC20.sol/MintableERC20.json'),
  ERC20: aave('dependencies/openzeppelin/contracts/IERC20.sol/IERC20.json'),
  UniswapV2Factory: path.join(nodeModules, '@uniswap/v2-core/build/UniswapV2Factory.json'),
  UniswapV2Pair: path.join(nodeModules, '@uniswap/v2-core/build/UniswapV2Pair.json'),
  UniswapV2Router02: path.join(nodeModules, '@uniswap/v2-periphery/build/UniswapV2Router02.json'),
};
for (const [name, file] of Object.entries(external)) {
  if (!fs.existsSync(file)) fail(`${path.relative(root, file)} is missing: run \`npm ci --ignore-scripts\` (package.json pins the protocol packages).`);
  writeIfChanged(path.join(abiDir, `${name}.json`), json(JSON.parse(fs.readFileSync(file, 'utf8')).abi));
}

console.log(`contracts/build.js: compiled ${ours.join(', ')} with solc ${solc.version()}; ${Object.keys(external).length + ours.length} ABIs in abis/`);
