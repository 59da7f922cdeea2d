package dev.margincall.protocol.spi;

import java.math.BigInteger;

/**
 * Running totals of liquidations' debt repaid and bonus (value unit), fed one liquidation at a time without an object per
 * figure: the report adds millions of them (every liquidatable account at every step of a fall).
 */
public interface LiquidationSums {

    void add(long repaid, long bonus);

    void add(BigInteger repaid, BigInteger bonus);
}
