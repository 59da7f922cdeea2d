package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;

/**
 * An account's value reserve by reserve, as GenericLogic sums it: each line's collateral and debt in
 * the base currency and the threshold applied (eMode's where it applies). The totals are the account data.
 */
public record AccountBreakdown(AccountData totals, List<Line> lines) {

    /** {@code liquidationBonus} (10500 = 5 %) and the protocol's share of it are those a liquidation of this collateral would use. */
    public record Line(int reserveId, Address asset, BigInteger price, BigInteger collateralBase, BigInteger debtBase, int liquidationThreshold,
                       int liquidationBonus, int liquidationProtocolFee) {
    }

    public AccountBreakdown {
        lines = List.copyOf(lines);
    }
}
