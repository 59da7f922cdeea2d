package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;

/**
 * An account's value reserve by reserve, as GenericLogic sums it: each line's collateral and debt in
 * the base currency and the threshold applied (eMode's where it applies). The totals are the account data.
 */
public record AccountBreakdown(AccountData totals, List<Line> lines) {

    /**
     * {@code liquidationBonus} (10500 = 5 %) and the protocol's share of it are those a liquidation of this collateral would use.
     * {@code collateralUnits} and {@code variableDebtUnits}: the aToken and variable debt balances the values were computed from
     * (token units, rounded as the version rounds them; zero where GenericLogic counts no collateral or debt), so that a
     * reader who needs the balances too does not compute them again.
     */
    public record Line(int reserveId, Address asset, BigInteger price, BigInteger collateralBase, BigInteger debtBase, int liquidationThreshold,
                       int liquidationBonus, int liquidationProtocolFee, BigInteger collateralUnits, BigInteger variableDebtUnits) {
    }

    public AccountBreakdown {
        lines = List.copyOf(lines);
    }
}
