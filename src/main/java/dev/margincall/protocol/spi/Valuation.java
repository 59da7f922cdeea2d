package dev.margincall.protocol.spi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * How a market counts value: its quotes' prices are in a unit of which {@code unitsPerUsd} make one US
 * dollar (Aave V3: the oracle's base currency, 10^8 per USD). Plans of different markets are ranked,
 * and minimum profits applied, in USD through it.
 */
public record Valuation(BigInteger unitsPerUsd) {

    public Valuation {
        if (unitsPerUsd.signum() <= 0) {
            throw new IllegalArgumentException("a value unit must be a positive fraction of a dollar, got " + unitsPerUsd + " per USD");
        }
    }

    /** A value in USD (display, metrics and ranking across markets; never fed back into money math). */
    public BigDecimal usd(BigInteger value) {
        return new BigDecimal(value).divide(new BigDecimal(unitsPerUsd), MathContext.DECIMAL64);
    }

    /** {@code usd} in this unit, rounded up: a minimum is never lowered by rounding. */
    public BigInteger fromUsdCeil(BigDecimal usd) {
        return usd.multiply(new BigDecimal(unitsPerUsd)).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
    }

    /** {@code usd} in this unit, rounded down: an allowance (a loss accepted) is never raised by rounding. */
    public BigInteger fromUsdFloor(BigDecimal usd) {
        return usd.multiply(new BigDecimal(unitsPerUsd)).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    }

    /** {@code value} of {@code other} unit in this one, rounded up (a price used for a cost). */
    public BigInteger fromCeil(BigInteger value, Valuation other) {
        return value.multiply(unitsPerUsd).add(other.unitsPerUsd).subtract(BigInteger.ONE).divide(other.unitsPerUsd);
    }
}
