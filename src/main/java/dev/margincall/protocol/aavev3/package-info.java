/**
 * Aave V3: event decoding, batched reads of accounts and market parameters, the exact risk model,
 * the liquidation calls (direct, and through our flash liquidator contract) and Aave's error codes.
 * Nothing outside this package knows Aave's ABI.
 */
package dev.margincall.protocol.aavev3;
