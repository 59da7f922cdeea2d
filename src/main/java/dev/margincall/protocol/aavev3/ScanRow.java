package dev.margincall.protocol.aavev3;

import dev.margincall.core.Address;
import java.math.BigInteger;

/**
 * One account in a scan, in the order and with the names of {@code scan --json} ({@code market}: the configured name, else the
 * market's PoolAddressesProvider, checksummed): health factor and
 * amounts as exact integers (wad; base currency units), the safety margin as a percentage.
 */
public record ScanRow(String protocol, String market, Address account, BigInteger healthFactor, BigInteger totalCollateralBase,
                      BigInteger totalDebtBase, boolean liquidatable, double safetyMarginPct, long block) {
}
