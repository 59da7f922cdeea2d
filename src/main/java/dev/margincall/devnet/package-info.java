/**
 * The local chain for the demo, the fork mode and the tests: Anvil from the npm package, the real Aave V3 (V3.0.2 from its npm artifacts, or V3.6 compiled from its npm sources) and Uniswap V2 deployed from their npm packages, deterministic borrowers, price moves and time.
 */
package dev.margincall.devnet;
