/**
 * The local chain for the demo, the fork mode and the tests: Anvil from the npm package, the real Aave V3 and Uniswap V2 deployed from their npm artifacts, deterministic borrowers, price moves and time.
 */
package dev.margincall.devnet;
