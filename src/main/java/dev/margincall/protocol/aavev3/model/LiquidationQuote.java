package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.List;

/**
 * What {@code Pool.liquidationCall(collateral, debt, user, debtToRequest, false)} would do at one block, in
 * token units: the debt the liquidator repays, the collateral (underlying) it receives, the share of the
 * bonus the protocol keeps and, on 3.3+, the debt the Pool writes off as reserve deficits when the
 * liquidation takes the account's last collateral. Prices are those the liquidation uses (eMode price
 * sources applied on 3.0), in the oracle's base currency (the market's value unit: {@link Quote#debtValue()}
 * rounds up, {@link Quote#collateralValue()} down).
 *
 * @param debtToRequest the {@code debtToCover} argument to send: equal to {@code debtToCover}, except when the
 *                      liquidation clears the account's debt in that reserve on 3.6, where it asks for a little
 *                      more so that the interest of a block or two more still clears it (the Pool takes no more
 *                      than the debt, and a partial repayment would leave dust and revert)
 * @param deficits      per debt asset, what {@code DeficitCreated} would report (empty on 3.0 and when collateral remains)
 */
public record LiquidationQuote(Address account, Address collateralAsset, Address debtAsset,
                               BigInteger debtToCover, BigInteger collateralToLiquidator, BigInteger protocolFee,
                               BigInteger collateralPrice, BigInteger debtPrice, int collateralDecimals, int debtDecimals,
                               int liquidationBonus, BigInteger healthFactor, BigInteger debtToRequest, List<Deficit> deficits) implements Quote {

    /** A reserve's debt the Pool burns and records as deficit (3.3+, LiquidationLogic._burnDebtTokens). */
    public record Deficit(Address asset, BigInteger amount) {
    }

    public LiquidationQuote {
        debtToRequest = debtToRequest == null ? debtToCover : debtToRequest; // journals written before 3.6 support
        deficits = deficits == null ? List.of() : List.copyOf(deficits);
    }

    public LiquidationQuote(Address account, Address collateralAsset, Address debtAsset, BigInteger debtToCover,
                            BigInteger collateralToLiquidator, BigInteger protocolFee, BigInteger collateralPrice, BigInteger debtPrice,
                            int collateralDecimals, int debtDecimals, int liquidationBonus, BigInteger healthFactor) {
        this(account, collateralAsset, debtAsset, debtToCover, collateralToLiquidator, protocolFee, collateralPrice, debtPrice,
                collateralDecimals, debtDecimals, liquidationBonus, healthFactor, debtToCover, List.of());
    }

    /** The account's debt the liquidation leaves unbacked (written off to deficits), per asset. */
    public boolean createsDeficit() {
        return !deficits.isEmpty();
    }
}
