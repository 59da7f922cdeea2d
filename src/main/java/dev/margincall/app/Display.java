package dev.margincall.app;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/** Turns exact on-chain integers into text for people. Display only: nothing computes with the result. */
final class Display {

    static final BigInteger MAX_UINT256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

    private Display() {
    }

    /** A wad health factor with 4 decimals, rounded down (so 0.99999 never shows as 1.0000), or ∞ without debt. */
    static String healthFactor(BigInteger wad) {
        if (wad.equals(MAX_UINT256)) {
            return "∞";
        }
        return new BigDecimal(wad).movePointLeft(18).setScale(4, RoundingMode.DOWN).toPlainString();
    }

    /** An amount in the oracle's base currency (USD, 8 decimals) as dollars with cents. */
    static String usd(BigInteger base8) {
        return "$" + String.format("%,.2f", new BigDecimal(base8).movePointLeft(8).setScale(2, RoundingMode.DOWN));
    }

    static String bps(int bps) {
        return new BigDecimal(bps).movePointLeft(2).stripTrailingZeros().toPlainString() + "%";
    }

    static String tokens(BigInteger amount, int decimals) {
        return new BigDecimal(amount).movePointLeft(decimals).setScale(Math.min(decimals, 4), RoundingMode.DOWN).toPlainString();
    }
}
