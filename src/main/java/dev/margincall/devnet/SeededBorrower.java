package dev.margincall.devnet;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;

/**
 * A borrower the devnet creates, and what Aave should report for it right after seeding (before
 * interest accrues): collateral and debt in base currency (8 decimals) and the health factor (wad),
 * computed with the protocol's own rounding from the intended amounts and oracle prices.
 */
public record SeededBorrower(int index, Address address, BorrowerProfile profile, RiskBand band, int eModeCategory,
                             List<Holding> collateral, List<Holding> debt,
                             BigInteger expectedCollateralBase, BigInteger expectedDebtBase, BigInteger expectedHealthFactor) {
}
