/**
 * Everything the keeper knows about a chain comes through here: the typed {@link dev.margincall.chain.EthRpc}
 * interface, its web3j adapter ({@code chain.web3j}, the only place web3j's RPC classes appear) and,
 * later, the resilient and metered decorators, head tracking and log backfill.
 */
package dev.margincall.chain;
