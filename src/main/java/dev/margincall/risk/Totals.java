package dev.margincall.risk;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A set of accounts' figures in one scenario step. Values in the market's value unit (decimal strings
 * in JSON) with their USD for display; units are token units by symbol.
 *
 * @param accounts          how many
 * @param debtValue         their total debt at the step's prices, as the protocol counts it
 * @param collateralValue   their collateral at the step's prices
 * @param repayableValue    the debt liquidators could repay: per account, the protocol's largest single liquidation quote
 * @param bonusValue        what those liquidations pay liquidators: collateral received minus debt repaid
 * @param badDebtAccounts   accounts whose debt exceeds their collateral
 * @param badDebtValue      that excess, summed
 */
public record Totals(int accounts, BigInteger debtValue, double debtUsd, BigInteger collateralValue, double collateralUsd,
                     BigInteger repayableValue, double repayableUsd, BigInteger bonusValue, double bonusUsd,
                     int badDebtAccounts, BigInteger badDebtValue, double badDebtUsd,
                     Map<String, BigInteger> collateralUnits, Map<String, BigInteger> debtUnits) {

    /** Units keep the order they are given in (the market's asset order), so that the same report is written the same, byte for byte. */
    public Totals {
        collateralUnits = Collections.unmodifiableMap(new LinkedHashMap<>(collateralUnits));
        debtUnits = Collections.unmodifiableMap(new LinkedHashMap<>(debtUnits));
    }
}
