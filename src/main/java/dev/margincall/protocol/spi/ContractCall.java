package dev.margincall.protocol.spi;

import dev.margincall.core.Address;

/** A transaction body: the contract and the calldata. */
public record ContractCall(Address to, String data) {
}
