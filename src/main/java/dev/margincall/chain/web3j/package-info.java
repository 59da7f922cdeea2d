/**
 * The web3j adapter behind EthRpc and DevChain: the only package that talks to web3j's RPC classes and OkHttp.
 */
package dev.margincall.chain.web3j;
