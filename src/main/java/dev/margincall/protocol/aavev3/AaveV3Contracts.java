package dev.margincall.protocol.aavev3;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.AaveRules;

/**
 * The contracts of one Aave V3 market, all found from its PoolAddressesProvider, with the Pool's revision
 * and the rules the keeper applies to it.
 *
 * @param sentinel the price oracle sentinel ({@link Address#ZERO} when the market has none)
 */
public record AaveV3Contracts(Address addressesProvider, Address pool, Address oracle, Address dataProvider, Address sentinel,
                             long poolRevision, AaveRules rules) {
}
