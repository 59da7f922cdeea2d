/**
 * Simulates, prices (EIP-1559), signs, sends, tracks and replaces liquidation transactions, and owns the nonce. With chain.web3j, the only place that may use web3j's signing classes.
 */
package dev.margincall.submit;
