package dev.margincall.protocol.aavev3;

import dev.margincall.core.Address;

/** The contracts of one Aave V3 market, all found from its PoolAddressesProvider. */
public record AaveV3Contracts(Address addressesProvider, Address pool, Address oracle, Address dataProvider) {
}
