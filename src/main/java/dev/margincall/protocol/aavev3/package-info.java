/**
 * Aave V3: event decoding, batched reads of accounts and market parameters, the exact risk model and
 * the liquidation call encoder. Nothing outside this package knows Aave's ABI.
 */
package dev.margincall.protocol.aavev3;
