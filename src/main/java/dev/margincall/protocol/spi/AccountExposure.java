package dev.margincall.protocol.spi;

import java.math.BigInteger;
import java.util.List;

/**
 * One account at the snapshot's prices: its health factor (wad: 10^18 is 1; max uint256 without debt),
 * total collateral and debt value as the protocol counts them, and a line per asset it uses.
 */
public record AccountExposure(BigInteger healthFactor, BigInteger collateralValue, BigInteger debtValue, List<Line> lines) {

    /**
     * One asset of the account. {@code liquidationThresholdBps}: the share of this collateral's value that
     * counts against debt (the protocol's threshold for this account, e.g. its eMode's), in basis points.
     * Units are token units (10^decimals per token); values in the market's value unit, and a value is
     * its units × the asset's price / 10^decimals rounded down (so a line can be revalued at another price).
     */
    public record Line(int asset, BigInteger collateralValue, int liquidationThresholdBps, BigInteger debtValue,
                       BigInteger collateralUnits, BigInteger debtUnits) {
    }

    public AccountExposure {
        lines = List.copyOf(lines);
    }

    public boolean hasDebt() {
        return debtValue.signum() > 0;
    }
}
