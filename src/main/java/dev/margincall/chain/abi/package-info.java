/**
 * ABI encoding and decoding on web3j's codec (pure): calls by Solidity signature, static words, revert reasons.
 */
package dev.margincall.chain.abi;
